import type { MessageContext } from '@orders/messaging/nest';
import type { RequestContext } from '../orders/external-orders.service';

/** A consumed message causes the command it leads to, and carries its correlation on (else it starts one). */
export function commandContextOf(ctx: MessageContext): RequestContext {
  return { actor: 'system', correlationId: ctx.headers['correlation-id'] ?? ctx.eventId, causationId: ctx.eventId };
}
