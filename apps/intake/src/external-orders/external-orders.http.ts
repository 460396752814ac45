import { applyDecorators, HttpCode } from '@nestjs/common';
import {
  ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiSecurity, ApiTags,
} from '@nestjs/swagger';
import type { CommandContext as OrderCommandContext } from '@orders/event-store';
import {
  agreedExpectedVersion, etagOf, ID_FORMATS, NoStore, NotFoundAs, PathId, type CommandContext, type Principal,
} from '@orders/service-kit';
import type { ServerResponse } from 'node:http';
import { assertCompanyAccess } from './company-access';
import type { ExternalOrderCommands, OperatorCommand, OperatorData, OrderOutcome } from './external-orders.commands';
import type { OrderCommandRequestDto } from './order-command.request.dto';
import { OrderOutcomeResponseDto } from './order-outcome.response.dto';

/** The slice of the response the handlers touch (Nest still writes the body). */
export type HttpResponse = Pick<ServerResponse, 'setHeader'> & { status(code: number): HttpResponse };

/**
 * On every controller of `api/v1/companies/:companyId/external-orders`. Orders carry the guest's name, phone and
 * address: no cache may keep a copy of any answer. Listed bottom-up, the order stacked class decorators apply in.
 */
export const ExternalOrdersRoutes = (): ClassDecorator => applyDecorators(
  NotFoundAs('order', 'orderId'),
  NoStore(),
  ApiNotFoundResponse({ description: 'NOT_FOUND with details {resource: "order", id} (also for another company\'s order)' }),
  ApiForbiddenResponse({ description: 'FORBIDDEN: the key may not act for this company; LICENSE_REQUIRED on submit' }),
  ApiBearerAuth(),
  ApiSecurity('api-key'),
  ApiTags('external orders'),
);

/** The conditions every operator action takes, documented once. */
export const conditional = (): MethodDecorator => applyDecorators(
  HttpCode(200),
  ApiOkResponse({
    type: OrderOutcomeResponseDto, description: 'The order after the action (also when it had been done before)',
  }),
  ApiHeader({ name: 'If-Match', required: false, description: 'The order version the action is for ("3"); else 409 CONCURRENCY_CONFLICT' }),
  ApiHeader({
    name: 'Idempotency-Key', required: false,
    description: 'A retry with the same key and body returns the first answer (rules: apps/README.md)',
  }),
);

/**
 * The path's ids, by the kit's one rule of path ids: one that cannot be a company's (or an order's: a UUID) names
 * nothing, 404 NOT_FOUND as a missing one; text no id can hold is 400.
 */
export const CompanyId = (): ParameterDecorator => PathId('companyId', 'company', ID_FORMATS.tenant);
export const OrderId = (): ParameterDecorator => PathId('orderId', 'order', ID_FORMATS.uuid);

/** A company the key may not act for is refused (403); its id's form was checked by `CompanyId`. */
export function authorise(principal: Principal, companyId: string): void {
  assertCompanyAccess(principal, companyId);
}

/** Who acts and why, as the event store records it. */
export function contextOf(command: CommandContext): OrderCommandContext {
  return { actor: command.actor, correlationId: command.correlationId, causationId: command.causationId };
}

/** An operator action on one order (accept, reject, confirm contents, dispatch, archive), answered with its ETag. */
export async function runOperatorCommand<T extends OperatorCommand['type']>(commands: ExternalOrderCommands, type: T,
  data: OperatorData<T>, body: OrderCommandRequestDto, command: CommandContext, response: HttpResponse): Promise<OrderOutcome> {
  authorise(command.principal, data.companyId);
  // Validation (422) before state (409): the ids (by their pipes) and the body's version are checked before anything
  // is read; the headers were checked by @CommandContext before the handler ran.
  const target = data;
  const expectedVersion = agreedExpectedVersion(command.expectedVersion, body.expectedVersion, 'expectedVersion');
  const context = { ...contextOf(command), expectedVersion, idempotencyKey: command.idempotencyKey };
  const outcome = await commands.execute(type, target, context);
  response.setHeader('ETag', etagOf(outcome.version));
  return outcome;
}
