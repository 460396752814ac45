import { Prng } from './prng';
import { CAMPAIGN, type Service, type SimOrder, type World } from './world';

/**
 * One step of a schedule: what kind of thing happens and three random words that choose its details. Steps are
 * drawn from the seed up front and resolved against the world only when run (an order index modulo the orders that
 * exist), so the shrinker can drop any of them and the rest still mean something.
 */
export interface Step {
  readonly kind: StepKind;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

const KINDS = [
  ['submit', 8], ['intake', 12], ['courier', 9], ['market', 12], ['concurrent', 5], ['relay', 16], ['deliver', 24],
  ['timers', 5], ['tick', 6], ['jump', 1], ['project', 6],
] as const;
export type StepKind = (typeof KINDS)[number][0];
const TOTAL = KINDS.reduce((sum, [, w]) => sum + w, 0);

export function drawSteps(seed: number, count: number): Step[] {
  const rng = new Prng(seed);
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    let roll = rng.int(TOTAL);
    let kind: StepKind = KINDS[0][0];
    for (const [k, w] of KINDS) {
      if (roll < w) {
        kind = k;
        break;
      }
      roll -= w;
    }
    steps.push({ kind, a: rng.nextU32(), b: rng.nextU32(), c: rng.nextU32() });
  }
  return steps;
}

type Task = () => Promise<unknown>;

const items = [{ sku: 'p-1', name: 'Pizza', quantity: 1, priceMinor: 59000 }, { sku: 'd-1', name: 'Lemonade', quantity: 2, priceMinor: 15000 }];
const version = (world: World, streamId: string) => world.store.stream(streamId).length;

function pickOrder(world: World, r: number): SimOrder | undefined {
  return world.orders.length === 0 ? undefined : world.orders[r % world.orders.length];
}

function submit(world: World, step: Step, rng: Prng): Task {
  const roll = rng.int(20);
  const existing = pickOrder(world, step.a);
  // A repeat of an order already received: the same payload replays, another one is a DUPLICATE_EXTERNAL_ID.
  // Without a licence it is refused, on an order id no later step uses: an order reaching intake only after Market
  // cancelled it stays open for ever (finding F2 in README.md), which is a different question from these invariants.
  const unlicensed = roll === 19;
  const order = roll < 3 && existing ? existing : unlicensed ? world.strayOrder() : world.newOrder();
  const fingerprint = roll === 0 ? 'changed' : `fp-${order.index}`;
  const licence = unlicensed ? undefined : { validUntil: null };
  return () => world.execute('intake', order.intakeStream, {
    type: 'SubmitExternalOrder',
    data: {
      companyId: CAMPAIGN, orderId: order.orderId, source: 'market', externalId: order.marketOrderId, payloadFingerprint: fingerprint,
      piiRef: order.orderId, requestedTime: null, requestedTimeOffset: null, items, amountMinor: 89000, currency: 'RUB',
      serviceType: 'courier', licence,
    },
  }, 'edge');
}

function intakeCommand(world: World, order: SimOrder, rng: Prng): Task {
  const roll = rng.int(20);
  const ref = { companyId: roll === 19 ? 'other-company' : CAMPAIGN, orderId: order.orderId };
  // An operator's If-Match: usually what they saw, sometimes stale (a 409 CONCURRENCY_CONFLICT), sometimes absent.
  const seen = version(world, order.intakeStream);
  const expectedVersion = rng.chance(0.3) ? undefined : rng.chance(0.85) ? seen : Math.max(1, seen - 1);
  const command = roll < 9 ? { type: 'AcceptExternalOrder', data: ref }
    : roll < 11 ? { type: 'RejectExternalOrder', data: { ...ref, reasonCode: 'OUT_OF_STOCK' } }
      : roll < 15 ? { type: 'ConfirmOrderContents', data: { ...ref, items: rng.chance(0.5) ? items : items.slice(0, 1) } }
        : roll < 17 ? { type: 'DispatchOrder', data: ref }
          : { type: 'ArchiveOrder', data: ref };
  return () => world.execute('intake', order.intakeStream, command, 'operator', { expectedVersion: seen === 0 ? undefined : expectedVersion });
}

function courierCommand(world: World, order: SimOrder, rng: Prng): Task {
  const roll = rng.int(20);
  const settings = { partially_finished_status_enabled: false };
  const command = roll < 5 ? { type: 'ChangeDeliveryStatus', data: { status: 'confirmed', initiator: 'app', settings } }
    : roll < 14 ? { type: 'MarkDelivered', data: { actual_delivered_at: world.iso, initiator: 'app' } }
      : roll < 17 ? { type: 'UndoDelivered', data: { initiator: 'user_api' } }
        : roll < 19 ? { type: 'ChangeDeliveryStatus', data: { status: 'cancelled', initiator: 'user_api', settings } }
          : { type: 'ChangeDeliveryStatus', data: { status: 'partially_finished', initiator: 'app', settings } };
  return () => world.execute('courier', order.deliveryStream, command, 'courier');
}

function marketCommand(world: World, order: SimOrder, step: Step, rng: Prng): Task {
  const roll = rng.int(20);
  const ref = { campaignId: CAMPAIGN, orderId: order.marketOrderId };
  if (roll < 6) {
    let status = roll < 4 ? 'DELIVERY' : roll === 4 ? 'DELIVERED' : rng.chance(0.5) ? 'CANCELLED' : 'PROCESSING';
    // Market's own state machine: a cancelled order stays cancelled there, so later notifications say so. With
    // marketChaos Market may report anything later (finding F1 in README.md: a newer status revives the order).
    if (!world.options.marketChaos && world.store.stream(order.marketStream).some((e) => e.type === 'MarketplaceOrderCancelled')) status = 'CANCELLED';
    return () => world.execute('market', order.marketStream, {
      type: 'SyncMarketplaceStatus', data: { ...ref, status, paymentType: 'PREPAID', updatedAt: world.iso, source: 'NOTIFICATION' },
    }, 'marketplace');
  }
  if (roll < 13) {
    const paymentType = rng.chance(0.1) ? 'POSTPAID' : 'PREPAID';
    return () => world.execute('market', order.marketStream, {
      type: 'RegisterBuyerCancellation',
      data: { ...ref, requestId: `req-${order.index}-${step.b % 100_000}`, requestedAt: world.iso, orderStatus: 'DELIVERY', paymentType },
    }, 'marketplace');
  }
  const decision = roll < 16 ? { accepted: true } : roll < 19 ? { accepted: false, reason: 'ORDER_IN_DELIVERY' } : { accepted: false };
  return () => world.execute('market', order.marketStream, { type: 'DecideCancellation', data: { ...ref, ...decision } }, 'operator');
}

function commandFor(world: World, service: Service, order: SimOrder, step: Step, rng: Prng): Task {
  if (service === 'intake') return intakeCommand(world, order, rng);
  if (service === 'courier') return courierCommand(world, order, rng);
  return marketCommand(world, order, step, rng);
}

const SERVICES: readonly Service[] = ['intake', 'courier', 'market'];
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs tasks interleaved: each store call waits at a gate, and the PRNG picks which waiting task goes on. So two
 * commands on one stream can both load version n, both decide, and only the first append wins.
 */
async function interleave(world: World, tasks: Task[], rng: Prng): Promise<void> {
  const waiting: Array<() => void> = [];
  let done = 0;
  let failure: unknown;
  world.store.gate = () => new Promise<void>((resolve) => waiting.push(resolve));
  try {
    for (const task of tasks) task().then(() => done++, (error: unknown) => { failure ??= error; done++; });
    await drain();
    while (done < tasks.length) {
      if (waiting.length === 0) throw new Error('interleave: no task can proceed');
      waiting.splice(rng.int(waiting.length), 1)[0]();
      await drain();
    }
  } finally {
    world.store.gate = undefined;
  }
  if (failure) throw failure;
}

export async function runStep(world: World, step: Step, touched: Set<string>): Promise<void> {
  const rng = new Prng(step.c);
  const order = pickOrder(world, step.a);
  switch (step.kind) {
    case 'submit':
      await submit(world, step, rng)();
      return;
    case 'intake':
    case 'courier':
    case 'market':
      if (order) await commandFor(world, step.kind, order, step, rng)();
      return;
    case 'concurrent': {
      if (!order) return;
      const tasks = Array.from({ length: 2 + rng.int(2) }, () => commandFor(world, rng.pick(SERVICES), order, step, rng));
      // A consumer's policy command racing the operators (one message at most: a partition is read in order).
      const backlog = world.transport.backlog();
      if (backlog.length > 0 && rng.chance(0.5)) {
        const { consumer, partition } = backlog[step.b % backlog.length];
        tasks.push(() => world.deliver(consumer, partition, 'none'));
      }
      await interleave(world, tasks, rng);
      return;
    }
    case 'relay':
      world.relay(SERVICES[step.a % 3], 1 + rng.int(8), rng.chance(0.1));
      return;
    case 'deliver': {
      const backlog = world.transport.backlog();
      if (backlog.length === 0) return;
      const { consumer, partition } = backlog[step.a % backlog.length];
      const roll = rng.int(20);
      await world.deliver(consumer, partition, roll === 0 ? 'after-effect' : roll === 1 ? 'after-inbox' : 'none');
      return;
    }
    case 'timers':
      world.scheduleTimers();
      await world.fireTimer(rng.chance(0.15) ? 'after-effect' : 'none');
      return;
    case 'tick':
      world.clock.now += 1000 * (1 + rng.int(600));
      return;
    case 'jump':
      world.clock.now += 3_600_000 * (1 + rng.int(50));
      return;
    case 'project':
      world.project(1 + rng.int(20), touched);
      if (rng.chance(0.1)) world.projection.rewind(world.projection.checkpoint - rng.int(10));
      return;
  }
}
