import { Injectable, Logger } from '@nestjs/common';
import type { CancellationAcceptedV1, CancellationExpiredV1, ExternalOrderSubmittedV1 } from '@orders/contracts';
import { NonRetryableError, type HandlerContext, type InboundMessage } from '@orders/messaging';
import { ExternalOrderNotFound, OrderInTerminalState, type CancellationCause } from '@orders/ordering-domain';
import { fieldErrors } from '@orders/service-kit';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ExternalOrderCommands, type CommandContext } from '../orders/external-orders.commands';
import { ExternalOrdersService } from '../orders/external-orders.service';
import { externalOrderId, UUID_PATTERN } from '../orders/order-identity';
import { SubmitOrderRequestDto } from '../orders/submit-order.request.dto';

/** The message types intake acts on; every other type on its topics is skipped. */
export const HANDLED_TYPES = ['ExternalOrderSubmitted', 'CancellationAccepted', 'CancellationExpired'] as const;

/**
 * Marketplace orders reach intake as orders of source `market` whose external id is Market's order id; that is how
 * a marketplace cancellation of the old `market-…` form finds its intake order.
 */
export const MARKETPLACE_SOURCE = 'market';

const COMPANY_ID = /^[\w.-]{1,128}$/;

/** What intake does with each consumed message, inside the runner's inbox transaction. */
@Injectable()
export class InboundHandlers {
  private readonly logger = new Logger('IntakeInbound');

  constructor(private readonly commands: ExternalOrderCommands, private readonly orders: ExternalOrdersService) {}

  async handle(message: InboundMessage, { tx }: HandlerContext): Promise<void> {
    const context: CommandContext = { actor: 'system', correlationId: message.headers['correlation-id'] ?? message.id, causationId: message.id, tx };
    switch (message.type) {
      case 'ExternalOrderSubmitted':
        return this.submitted(message.payload as ExternalOrderSubmittedV1, context);
      case 'CancellationAccepted':
        return this.marketplaceCancelled(message.payload as CancellationAcceptedV1, 'MARKETPLACE_CANCELLATION_ACCEPTED', context);
      case 'CancellationExpired':
        return this.marketplaceCancelled(message.payload as CancellationExpiredV1, 'MARKETPLACE_CANCELLATION_EXPIRED', context);
      default:
        return;
    }
  }

  /** Same validation and idempotency as `POST .../external-orders`; a refusal goes to the DLQ with its reason. */
  private async submitted(payload: ExternalOrderSubmittedV1, context: CommandContext): Promise<void> {
    const { tenantId, ...body } = payload;
    const submission = plainToInstance(SubmitOrderRequestDto, body);
    const problems = fieldErrors(validateSync(submission, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
    if (!COMPANY_ID.test(tenantId)) problems.push({ code: 'INVALID_VALUE', message: 'tenantId is not a company id', field: 'tenantId' });
    if (problems.length > 0) {
      throw new NonRetryableError(`VALIDATION_FAILED: ${problems.map((p) => `${p.field} ${p.code}`).join(', ')}`);
    }
    await this.commands.submit(tenantId, submission, { ...context, actor: `upstream:${payload.source}` });
  }

  /** Policy: the marketplace accepted or let expire a buyer's cancellation, so the intake order is cancelled. */
  private async marketplaceCancelled(payload: CancellationAcceptedV1 | CancellationExpiredV1, cause: CancellationCause, context: CommandContext): Promise<void> {
    const orderId = await this.intakeOrderOf(payload);
    if (!orderId) return; // not an order intake received: nothing to cancel here
    try {
      await this.commands.execute('CancelExternalOrder', { companyId: payload.tenantId, orderId, cause, cancellationRef: payload.requestId },
        { ...context, actor: 'marketplace-cancellation-policy' });
    } catch (error) {
      // Archived already (delivered and done): the cancellation comes too late to change anything in intake.
      if (error instanceof OrderInTerminalState || error instanceof ExternalOrderNotFound) {
        this.logger.warn(`marketplace cancellation ${payload.requestId} left order ${orderId} as it is: ${error.message}`);
        return;
      }
      throw error;
    }
  }

  /**
   * `orderId` is the platform order id, intake's own. A message of the old `market-<campaign>-<order>` form (still
   * retained on the topic) names the order through Market's ids: source `market`, external id = Market's order id.
   */
  private async intakeOrderOf(payload: CancellationAcceptedV1 | CancellationExpiredV1): Promise<string | undefined> {
    const orderId = UUID_PATTERN.test(payload.orderId)
      ? payload.orderId.toLowerCase()
      : externalOrderId(payload.tenantId, MARKETPLACE_SOURCE, String(payload.marketOrderId));
    return (await this.orders.companyOf(orderId)) === payload.tenantId ? orderId : undefined;
  }
}
