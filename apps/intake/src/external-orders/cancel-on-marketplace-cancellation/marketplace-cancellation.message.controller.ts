import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { ExternalOrderNotFound, OrderInTerminalState, type CancellationCause } from '@orders/ordering-domain';
import { ExternalOrderCommands } from '../external-orders.commands';
import { ExternalOrdersService } from '../external-orders.service';
import { cancelOnMarketplaceCancellation, intakeOrderIdOf, type MarketplaceCancellation } from './marketplace-cancellation.policy';
import { commandContextOf } from '../message-command-context';

/** `marketplace.cancellation-events.v1`: an accepted or expired buyer cancellation cancels the intake order. */
@Controller()
export class MarketplaceCancellationMessageController {
  private readonly logger = new Logger('IntakeMarketplaceCancellation');

  constructor(private readonly orders: ExternalOrdersService, private readonly commands: ExternalOrderCommands) {}

  @EventPattern<string>('CancellationAccepted')
  onAccepted(@Payload() payload: MarketplaceCancellation, @Ctx() ctx: MessageContext): Promise<void> {
    return this.cancel('MARKETPLACE_CANCELLATION_ACCEPTED', payload, ctx);
  }

  @EventPattern<string>('CancellationExpired')
  onExpired(@Payload() payload: MarketplaceCancellation, @Ctx() ctx: MessageContext): Promise<void> {
    return this.cancel('MARKETPLACE_CANCELLATION_EXPIRED', payload, ctx);
  }

  private async cancel(cause: CancellationCause, payload: MarketplaceCancellation, ctx: MessageContext): Promise<void> {
    const orderCompany = await this.orders.companyOf(intakeOrderIdOf(payload));
    await applyPolicy(cancelOnMarketplaceCancellation(cause, payload, { orderCompany }), async (data) => {
      try {
        const state = await this.commands.cancel(data, { ...commandContextOf(ctx), actor: 'marketplace-cancellation-policy' });
        if (state.status === 'NONE') this.logger.log(`marketplace cancellation ${payload.requestId} came before order ${data.orderId}: kept for its arrival`);
      } catch (error) {
        // Archived already (delivered and done): the cancellation comes too late to change anything in intake.
        if (!(error instanceof OrderInTerminalState || error instanceof ExternalOrderNotFound)) throw error;
        this.logger.warn(`marketplace cancellation ${payload.requestId} left order ${data.orderId} as it is: ${error.message}`);
      }
    }, (reason) => this.logger.debug(`marketplace cancellation ${payload.requestId} ignored: ${reason}`));
  }
}
