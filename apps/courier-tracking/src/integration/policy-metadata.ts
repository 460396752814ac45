import type { CommandMetadata } from '@orders/decider-kit';
import type { MessageContext } from '@orders/messaging/nest';

/** A policy's command: caused by the message, in its correlation (else it starts one), read at the edge (clock). */
export function policyMetadata(ctx: MessageContext): CommandMetadata {
  return {
    now: new Date().toISOString(), actor: `policy:${ctx.eventType}`, correlationId: ctx.headers['correlation-id'] ?? ctx.eventId, causationId: ctx.eventId,
  };
}
