import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';
import { runProjectorOperation } from '../projector-operations';
import type { ReadModelTarget, StoreTarget } from '../targets';
import { storeTimeline, type AuditEvent } from './audit-timeline';
import type { OrderAudit } from '@orders/read-model-protocol';

export function parseTime(value: string, option: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime()))
    throw new UsageError(`${option} takes an ISO-8601 time, e.g. 2026-11-23T10:00:00Z`);
  return at;
}

type CombinedState = Pick<OrderAudit, 'state' | 'status' | 'erased'>;

/**
 * The combined state is the projector's fold of the public events (what orders.state.v1 carried); the timeline
 * is not taken from there, because the public payloads name no real actor and internal events never reach it.
 * Without read models the timeline still stands, so their absence is a note, not a failure.
 */
async function combinedState(
  target: ReadModelTarget,
  orderId: string,
  asOf: Date | undefined,
): Promise<CombinedState | { error: string }> {
  try {
    const result = await runProjectorOperation<OrderAudit>('audit', target, { orderId, asOf: asOf?.toISOString() });
    return { state: result.state, status: result.status, erased: result.erased };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const short = (id: string | null): string => (id ? id.slice(0, 8) : '');

function cause(event: AuditEvent): string {
  if (!event.causationId || event.causationId === event.eventId) return '';
  return event.causedBy ? `${event.causedBy} ${short(event.causationId)}` : `${short(event.causationId)} (outside)`;
}

type CancellationState = NonNullable<NonNullable<OrderAudit['state']>['marketplace']>['cancellation'];

function cancellationText(cancellation: CancellationState): string {
  if (!cancellation) return '';
  const reason = cancellation.rejectionReason ? ` (${cancellation.rejectionReason})` : '';
  return `, cancellation ${cancellation.status}${reason}`;
}

function stateRows(state: OrderAudit['state']): string[][] {
  return [
    [
      'intake',
      state?.intake
        ? `${state.intake.status} (${state.intake.source} ${state.intake.externalId}, ` +
          `${state.intake.amountMinor} ${state.intake.currency})`
        : '-',
    ],
    [
      'delivery',
      state?.delivery
        ? `${state.delivery.status}${state.delivery.closed ? ', closed' : ''}` +
          `${state.delivery.deliveredAt ? `, delivered ${state.delivery.deliveredAt}` : ''}`
        : '-',
    ],
    [
      'marketplace',
      state?.marketplace
        ? `${state.marketplace.status}${cancellationText(state.marketplace.cancellation)}`
        : '-',
    ],
    ['version', String(state?.version ?? 0)],
  ];
}

/**
 * `audit <orderId> [--as-of <time>]`: every event of the order in each service's event store (internal ones too),
 * with the actor and causation the store recorded, in causal order; and the combined state from the read models.
 */
export async function audit(
  orderId: string,
  stores: StoreTarget[],
  readModels: ReadModelTarget,
  options: { json: boolean; asOf?: string },
  io: Io,
): Promise<ExitCode> {
  const asOf = options.asOf === undefined ? undefined : parseTime(options.asOf, '--as-of');
  const [{ timeline, stores: outcomes }, combined] = await Promise.all([
    storeTimeline(stores, orderId, asOf),
    combinedState(readModels, orderId, asOf),
  ]);
  const unreachable = outcomes.filter((o) => o.error);
  for (const o of unreachable) io.err(`ops: ${o.service}'s event store not read: ${o.error}`);
  const state = 'error' in combined ? null : combined;
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          orderId,
          asOf: asOf?.toISOString() ?? null,
          timeline,
          stores: outcomes,
          state: state?.state ?? null,
          status: state?.status ?? null,
          erased: state?.erased ?? false,
          ...('error' in combined ? { stateError: combined.error } : {}),
        },
        null,
        2,
      ),
    );
  }
  if (timeline.length === 0) {
    io.err(
      `no events of order ${orderId}${asOf ? ` at or before ${asOf.toISOString()}` : ''} in ${
        outcomes
          .filter((o) => !o.error)
          .map((o) => o.service)
          .join(', ') || 'any store'
      }`,
    );
    return unreachable.length === outcomes.length ? EXIT.unavailable : EXIT.problemFound;
  }
  if (options.json) return EXIT.ok;
  io.out(
    [
      `order ${orderId}${asOf ? ` as of ${asOf.toISOString()}` : ''}: ` +
        `${state?.status ?? 'state unknown'}${state?.erased ? ' (personal data erased)' : ''}`,
      '',
      renderTable(
        ['occurred at', 'source', 'event', 'actor', 'caused by', 'event id'],
        timeline.map((e) => [e.occurredAt, e.source, e.type, e.actor, cause(e), e.eventId]),
      ),
      '',
      'error' in combined
        ? `combined state unavailable (read models: ${combined.error})`
        : renderTable(['part', 'state'], stateRows(combined.state)),
    ].join('\n'),
  );
  return EXIT.ok;
}
