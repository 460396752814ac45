import { Client } from 'pg';
import type { ChaosOrder, Kind, Step } from './load';

/** Effects counted per order in the projector's journal (every service's integration events, deduplicated by id). */
const EFFECTS = ['ExternalOrderReceived', 'ExternalOrderAccepted', 'DeliveryCreated', 'DeliveryFinished', 'DeliveryCancelled',
  'ExternalOrderCancelled', 'CancellationRequested', 'CancellationAccepted', 'CancellationRejected', 'CancellationExpired'] as const;
type Effect = (typeof EFFECTS)[number];
const DECISIONS: readonly Effect[] = ['CancellationAccepted', 'CancellationRejected', 'CancellationExpired'];

/** The effects an acknowledged step must leave, by the order's kind (the policies' effects included). */
function expectedEffects(kind: Kind, acknowledged: readonly Step[]): Effect[] {
  const done = (step: Step) => acknowledged.includes(step);
  const effects: Effect[] = [];
  if (done('submit')) effects.push('ExternalOrderReceived');
  if (done('accept')) effects.push('ExternalOrderAccepted', 'DeliveryCreated');
  if (done('request')) effects.push('CancellationRequested');
  if (kind === 'finish' && done('finish')) effects.push('DeliveryFinished');
  if (kind === 'reject' && done('finish')) effects.push('DeliveryFinished', ...(done('request') ? ['CancellationRejected' as const] : []));
  if (kind === 'cancel' && done('decide')) effects.push('CancellationAccepted', 'DeliveryCancelled', 'ExternalOrderCancelled');
  if (kind === 'expire' && done('request')) effects.push('CancellationExpired', 'DeliveryCancelled', 'ExternalOrderCancelled');
  return effects;
}

export interface Finding {
  readonly seq: number;
  readonly orderId: string | null;
  readonly marketOrderId: number;
  readonly kind: Kind;
  readonly what: string;
}

export interface CheckResult {
  /** Commands sent (each once, however often it was retried) and acknowledged with a 2xx. */
  readonly offered: number;
  readonly acknowledged: number;
  readonly offeredOrders: number;
  readonly completedOrders: number;
  /** Acknowledged commands whose effect (or its policies' effects) is missing. */
  readonly lost: number;
  /** Effects present more than once: two deliveries, two decisions, two timelines or two orders for one submission. */
  readonly duplicated: number;
  readonly byStep: Record<string, { offered: number; acknowledged: number }>;
  readonly findings: Finding[];
  readonly journalEvents: number;
}

/** What the checker reads of the projector's database for one company (the run's campaign). */
export interface Journal {
  /** Events per order and type in the journal (deduplicated by event id there). */
  readonly effects: readonly { order_id: string; type: string; n: number }[];
  /** Intake orders per Market order id (`ExternalOrderReceived`'s externalId). */
  readonly received: readonly { external_id: string; orders: number }[];
  /** Orders with an order summary. */
  readonly summaries: readonly string[];
}

/**
 * Counts, from the projector's journal and summaries, what became of every command the load driver sent: an
 * acknowledged command whose effect is missing is lost; an effect found more than once is duplicated.
 */
export async function check(readModelsUrl: string, schema: string, company: string, orders: readonly ChaosOrder[]): Promise<CheckResult> {
  const db = new Client({ connectionString: readModelsUrl });
  await db.connect();
  try {
    const journal = await db.query<Journal['effects'][number]>(
      `SELECT order_id, type, count(*)::int AS n FROM ${schema}.events WHERE tenant_id = $1 GROUP BY order_id, type`, [company]);
    const received = await db.query<Journal['received'][number]>(
      `SELECT payload->>'externalId' AS external_id, count(DISTINCT order_id)::int AS orders FROM ${schema}.events
        WHERE tenant_id = $1 AND type = 'ExternalOrderReceived' GROUP BY 1`, [company]);
    const summaries = await db.query<{ order_id: string }>(`SELECT order_id FROM ${schema}.order_summary WHERE tenant_id = $1`, [company]);
    const summaryIds = summaries.rows.map((row) => row.order_id);
    return count({ effects: journal.rows, received: received.rows, summaries: summaryIds }, orders);
  } finally {
    await db.end();
  }
}

/** The count itself, on what `check` read (a spec feeds it a fabricated journal). */
export function count(journal: Journal, orders: readonly ChaosOrder[]): CheckResult {
  const counts = new Map<string, Map<string, number>>();
  let journalEvents = 0;
  for (const row of journal.effects) {
    const perOrder = counts.get(row.order_id) ?? new Map<string, number>();
    perOrder.set(row.type, row.n);
    counts.set(row.order_id, perOrder);
    journalEvents += row.n;
  }
  const ordersOf = new Map(journal.received.map((row) => [row.external_id, row.orders]));
  const summaryIds = new Set(journal.summaries);
  const known = new Set(orders.map((order) => order.orderId).filter((id): id is string => id !== undefined));

  const findings: Finding[] = [];
  let lost = 0;
  let duplicated = 0;
  const byStep: Record<string, { offered: number; acknowledged: number }> = {};
  for (const order of orders) {
    for (const step of order.offered) (byStep[step] ??= { offered: 0, acknowledged: 0 }).offered++;
    for (const step of order.acknowledged) (byStep[step] ??= { offered: 0, acknowledged: 0 }).acknowledged++;
    const note = (what: string) => findings.push({
      seq: order.seq, orderId: order.orderId ?? null, marketOrderId: order.marketOrderId, kind: order.kind, what,
    });
    const perOrder = (order.orderId && counts.get(order.orderId)) || new Map<string, number>();
    for (const effect of expectedEffects(order.kind, order.acknowledged)) {
      if (!perOrder.get(effect)) {
        lost++;
        note(`lost: ${effect} missing`);
      }
    }
    for (const effect of EFFECTS) {
      const n = perOrder.get(effect) ?? 0;
      if (n > 1) {
        duplicated++;
        note(`duplicated: ${effect} × ${n}`);
      }
    }
    const decisions = DECISIONS.reduce((sum, effect) => sum + (perOrder.get(effect) ?? 0), 0);
    if (decisions > 1) {
      duplicated++;
      note(`duplicated: ${decisions} decisions (${DECISIONS.filter((d) => perOrder.get(d)).join(', ')})`);
    }
    const submissions = ordersOf.get(String(order.marketOrderId)) ?? 0;
    if (submissions > 1) {
      duplicated++;
      note(`duplicated: one submission made ${submissions} intake orders`);
    }
    if (order.acknowledged.includes('submit') && order.orderId && !summaryIds.has(order.orderId)) {
      lost++;
      note('lost: no order summary');
    }
  }
  // One timeline per order: a summary (or journal entry) under any id the run did not make is a second timeline.
  // A submission whose answer never came may still have made its order: then the id is a stray, not a duplicate.
  const unanswered = orders.some((order) => order.offered.includes('submit') && !order.acknowledged.includes('submit'));
  for (const orderId of new Set([...summaryIds, ...counts.keys()])) {
    if (known.has(orderId)) continue;
    if (!unanswered) duplicated++;
    findings.push({ seq: -1, orderId, marketOrderId: -1, kind: 'finish',
      what: `${unanswered ? 'stray' : 'duplicated'}: a timeline under an id no answered command made` });
  }
  const offered = orders.reduce((sum, order) => sum + order.offered.length, 0);
  const acknowledged = orders.reduce((sum, order) => sum + order.acknowledged.length, 0);
  return {
    offered, acknowledged, offeredOrders: orders.length,
    completedOrders: orders.filter((order) => !order.abandoned).length,
    lost, duplicated, byStep, findings, journalEvents,
  };
}
