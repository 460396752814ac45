import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ExternalOrderSubmittedV1 } from '@orders/contracts';
import { applyPolicy, MessageContext } from '@orders/messaging/nest';
import { ExternalOrderCommands } from '../external-orders.commands';
import { submitOrderPolicy } from './submit-order.policy';
import { commandContextOf } from '../message-command-context';

/** `intake.external-orders.v1`: an upstream order is received as if posted, inside the inbox transaction. */
@Controller()
export class SubmitOrderMessageController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @EventPattern<string>('ExternalOrderSubmitted')
  async onSubmitted(@Payload() payload: ExternalOrderSubmittedV1, @Ctx() ctx: MessageContext): Promise<void> {
    await applyPolicy(submitOrderPolicy(payload), async ({ tenantId, submission, actor }) => {
      await this.commands.submit(tenantId, submission, { ...commandContextOf(ctx), actor });
    });
  }
}
