import type { MessageContext } from '@orders/messaging/nest';
import type { CommandContext } from '@orders/event-store';

/**
 * A consumed message causes the command it leads to, and carries its correlation on (else it starts one); the command
 * runs inside the message's inbox transaction, so its events commit with the inbox row.
 */
export function commandContextOf(ctx: MessageContext): CommandContext {
  return { actor: 'system', correlationId: ctx.headers['correlation-id'] ?? ctx.eventId, causationId: ctx.eventId, tx: ctx.tx };
}
