import type { CommandMetadata } from '@orders/decider-kit';
import type { PoolClient } from 'pg';

/**
 * Who asks, why, and on what condition: what every service's edge (an HTTP route or a consumed message) hands its
 * aggregate's command class, which turns it into the events' metadata and the command handler's options. The HTTP
 * edge's `@CommandContext()` value (service-kit) is one as it is; its `now` is not read: the command class reads the
 * same injected clock.
 */
export interface CommandContext {
  readonly actor: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Already scoped to the caller at the edge, so two integrators' keys never collide. */
  readonly idempotencyKey?: string;
  /** An If-Match: decide only on this stream version. */
  readonly expectedVersion?: number;
  /** A consumer's inbox transaction: the events (and the rows written with them) commit with its inbox row. */
  readonly tx?: PoolClient;
}

/** The command's metadata: the time read from the service's clock, the rest from the context (absent ids left out). */
export function commandMetadataOf(context: CommandContext, now: Date, extra: Readonly<Record<string, string>> = {}): CommandMetadata {
  const { actor, correlationId, causationId, idempotencyKey } = context;
  return {
    ...extra,
    now: now.toISOString(), actor,
    ...(correlationId ? { correlationId } : {}),
    ...(causationId ? { causationId } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  } as CommandMetadata;
}
