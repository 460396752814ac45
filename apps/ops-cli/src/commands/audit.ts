import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { renderTable, type Io } from '../output';
import { runProjectorOperation } from '../projector-operations';
import type { ReadModelTarget } from '../targets';
import type { OrderAudit } from './read-models';

export function parseTime(value: string, option: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) throw new UsageError(`${option} takes an ISO-8601 time, e.g. 2026-11-23T10:00:00Z`);
  return at;
}

/** `audit <orderId> [--as-of <time>]`: the order's cross-service timeline and its combined state as of a time. */
export async function audit(orderId: string | undefined, target: ReadModelTarget, options: { json: boolean; asOf?: string }, io: Io): Promise<ExitCode> {
  if (!orderId) throw new UsageError('audit needs an order id');
  const asOf = options.asOf === undefined ? undefined : parseTime(options.asOf, '--as-of');
  const result = await runProjectorOperation<OrderAudit>('audit', target, { orderId, asOf: asOf?.toISOString() });
  if (result.timeline.length === 0) {
    if (options.json) io.out(JSON.stringify(result, null, 2));
    io.err(`no events of order ${orderId}${asOf ? ` at or before ${asOf.toISOString()}` : ''}`);
    return EXIT.problemFound;
  }
  if (options.json) {
    io.out(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  const state = result.state;
  io.out([
    `order ${orderId}${result.asOf ? ` as of ${result.asOf}` : ''}: ${result.status}${result.erased ? ' (personal data erased)' : ''}`,
    '',
    renderTable(['occurred at', 'source', 'event', 'actor', 'event id'], result.timeline.map((e) => [e.occurredAt, e.source, e.type, e.actor, e.eventId])),
    '',
    renderTable(['part', 'state'], [
      ['intake', state?.intake ? `${state.intake.status} (${state.intake.source} ${state.intake.externalId}, ${state.intake.amountMinor} ${state.intake.currency})` : '-'],
      ['delivery', state?.delivery ? `${state.delivery.status}${state.delivery.closed ? ', closed' : ''}${state.delivery.deliveredAt ? `, delivered ${state.delivery.deliveredAt}` : ''}` : '-'],
      ['marketplace', state?.marketplace ? `${state.marketplace.status}${state.marketplace.cancellation ? `, cancellation ${state.marketplace.cancellation.status}${state.marketplace.cancellation.rejectionReason ? ` (${state.marketplace.cancellation.rejectionReason})` : ''}` : ''}` : '-'],
      ['version', String(state?.version ?? 0)],
    ]),
  ].join('\n'));
  return EXIT.ok;
}
