import type { RecordedEvent } from '@orders/event-store';
import { EMPTY_SUMMARY, foldSummary, type OrderSummary } from './projection';
import type { World } from './world';

/** A broken invariant: its name (stable, what the shrinker keeps failing on) and what was seen. */
export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

const fail = (invariant: string, detail: string): Violation => ({ invariant, detail });

const DECISIONS = new Set(['CancellationAccepted', 'CancellationRejected', 'CancellationAutoAccepted']);
/** After a terminal state only these may follow: records for people and status mirrors, never a new decision. */
const AUDIT: Readonly<Record<string, ReadonlySet<string>>> = {
  external_order: new Set<string>(),
  delivery: new Set(['DeliveryCancellationConflict', 'DeliveryDeleted', 'PersonalDataErased']),
  marketplace_order: new Set(['MarketplaceOrderSynced']),
};
const INTAKE_TERMINAL = new Set(['ExternalOrderArchived', 'ExternalOrderRejected', 'ExternalOrderCancelled']);

function terminalAt(event: RecordedEvent): boolean {
  const data = event.data as Record<string, unknown>;
  switch (event.streamType) {
    case 'external_order':
      return INTAKE_TERMINAL.has(event.type);
    case 'delivery':
      return (event.type === 'DeliveryStatusChanged' && data.to === 'cancelled') || event.type === 'PersonalDataErased';
    case 'marketplace_order':
      return event.type === 'MarketplaceOrderCancelled';
    default:
      return false;
  }
}

/** The invariants of one stream (domain.md §2.5 INV-X1, INV-M4/M6/M8, §2.7): checked for every stream a step touched. */
export function checkStream(world: World, streamId: string): Violation | undefined {
  const events = world.store.stream(streamId);
  const decisions = new Map<string, number>();
  let terminal: RecordedEvent | undefined;
  let deliveredFact = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.streamVersion !== i + 1)
      return fail('versions-contiguous', `${streamId}: event ${i} has version ${e.streamVersion}`);
    if (i > 0 && Number(e.globalPosition) <= Number(events[i - 1].globalPosition))
      return fail('versions-contiguous', `${streamId}: positions not increasing at ${i + 1}`);
    if (terminal && !AUDIT[e.streamType]?.has(e.type)) {
      return fail(
        'nothing-after-terminal',
        `${streamId}: ${e.type} (v${e.streamVersion}) after terminal ${terminal.type} (v${terminal.streamVersion})`,
      );
    }
    if (!terminal && terminalAt(e)) terminal = e;
    const data = e.data as Record<string, unknown>;
    if (DECISIONS.has(e.type)) {
      const id = data.requestId as string;
      const n = (decisions.get(id) ?? 0) + 1;
      decisions.set(id, n);
      if (n > 1)
        return fail(
          'one-decision-per-request',
          `${streamId}: request ${id} decided ${n} times (latest ${e.type} v${e.streamVersion})`,
        );
    }
    if (e.type === 'OrderDeliveryFinished') deliveredFact = true;
    if (e.type === 'CancellationAccepted') {
      // Caused by a delivery event (through a policy's message): a finished delivery accepted the buyer's cancellation.
      const cause = world.store.event(e.metadata.causationId);
      if (cause?.streamType === 'delivery') {
        return fail(
          'delivered-never-accepted-by-policy',
          `${streamId}: request ${String(data.requestId)} accepted (v${e.streamVersion}) by ${String(data.decidedBy)}, caused by ${cause.type} of ${cause.streamId}`,
        );
      }
      if (deliveredFact)
        return fail(
          'delivered-never-accepted-by-policy',
          `${streamId}: request ${String(data.requestId)} accepted after the delivery finished`,
        );
    }
    if (
      e.type === 'CancellationAutoAccepted' &&
      Date.parse(data.appliedAt as string) < Date.parse(data.deadlineAt as string)
    ) {
      return fail('timers-fire-once', `${streamId}: request ${String(data.requestId)} expired before its deadline`);
    }
  }
  return undefined;
}

export function checkTimers(world: World): Violation | undefined {
  for (const [requestId, effects] of world.timerEffects) {
    if (effects > 1) return fail('timers-fire-once', `timer of ${requestId} took effect ${effects} times`);
  }
  return undefined;
}

/** The read model row of each touched order equals the fold of its streams up to what the projection has read. */
export function checkProjection(world: World, orders: Iterable<string>): Violation | undefined {
  const upTo = world.projection.highWater;
  for (const orderId of orders) {
    const order = world.order(orderId);
    if (!order) continue;
    const events = [order.intakeStream, order.deliveryStream, order.marketStream]
      .flatMap((s) => world.store.stream(s).filter((e) => Number(e.globalPosition) <= upTo))
      .sort((a, b) => Number(a.globalPosition) - Number(b.globalPosition));
    const rebuilt = events.reduce<OrderSummary>(foldSummary, EMPTY_SUMMARY);
    const row = world.projection.rows.get(orderId) ?? EMPTY_SUMMARY;
    if (JSON.stringify(row) !== JSON.stringify(rebuilt)) {
      return fail(
        'read-model-equals-fold',
        `order ${orderId}: row ${JSON.stringify(row)} but the log folds to ${JSON.stringify(rebuilt)}`,
      );
    }
  }
  return undefined;
}

/**
 * What must hold once nothing is in flight (every message delivered, every due timer fired): the policies' effects
 * have all happened. Every accepted intake order has exactly one delivery; an accepted or expired cancellation
 * ended the intake order (or found it already ended).
 */
export function checkQuiescent(world: World): Violation | undefined {
  for (const order of world.orders) {
    const intake = world.store.stream(order.intakeStream);
    const created = world.store.stream(order.deliveryStream).filter((e) => e.type === 'DeliveryCreated').length;
    if (intake.some((e) => e.type === 'ExternalOrderAccepted') && created !== 1) {
      return fail(
        'accepted-order-has-one-delivery',
        `order ${order.orderId}: accepted, ${created} deliveries after quiescence`,
      );
    }
    const market = world.store.stream(order.marketStream);
    const ended = market.some((e) => e.type === 'CancellationAccepted' || e.type === 'CancellationAutoAccepted');
    if (ended && intake.length > 0 && !intake.some((e) => INTAKE_TERMINAL.has(e.type))) {
      return fail(
        'cancellation-ends-intake-order',
        `order ${order.orderId}: cancellation accepted or expired, intake order still open`,
      );
    }
  }
  return checkProjection(
    world,
    world.orders.map((o) => o.orderId),
  );
}
