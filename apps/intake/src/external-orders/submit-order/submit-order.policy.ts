import type { ExternalOrderSubmittedV1 } from '@orders/contracts';
import { refuseMessage, runCommand, type PolicyDecision } from '@orders/messaging/nest';
import { fieldErrors } from '@orders/service-kit';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { COMPANY_ID } from '../order-identity';
import { SubmitOrderRequestDto } from './submit-order.request.dto';

/** What the handler submits: the order as `POST .../external-orders` would, on behalf of the upstream source. */
interface SubmitUpstreamOrder {
  readonly tenantId: string;
  readonly submission: SubmitOrderRequestDto;
  readonly actor: string;
}

/**
 * An upstream system submitted an order: the same validation as the HTTP endpoint (the contract's schema is
 * looser than the API's), so a refusal names each field and goes to the dead-letter topic; never retried.
 */
export function submitOrderPolicy(payload: ExternalOrderSubmittedV1): PolicyDecision<SubmitUpstreamOrder> {
  const { tenantId, ...body } = payload;
  const submission = plainToInstance(SubmitOrderRequestDto, body);
  const problems = fieldErrors(validateSync(submission, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
  if (!COMPANY_ID.test(tenantId)) problems.push({ code: 'INVALID_VALUE', message: 'tenantId is not a company id', field: 'tenantId' });
  if (problems.length > 0) return refuseMessage(`VALIDATION_FAILED: ${problems.map((p) => `${p.field} ${p.code}`).join(', ')}`);
  return runCommand({ tenantId, submission, actor: `upstream:${payload.source}` });
}
