// `membership_to_detection_p99` of `npm run bench -- positions`: milliseconds from a delivery joining a route (its
// creation appended, this process told: DeliveryCommands.onExecuted) to the first point at its door being evaluated for it (the decision handed to
// PositionDecisions). Two orders of events, half the samples each: the point after the creation (the detector must
// know the delivery when the point comes) and the point just before it (the point waits in the route's recent points
// and is evaluated when the delivery joins). The baseline is the same point evaluated for a delivery that was on the
// route all along: what evaluating costs without any join.
import { percentile } from '../lib/report';
import { DAY_START_S, TICK_S, courierId, routeId } from './scenario';

type Detector = InstanceType<typeof import('../../apps/courier-tracking/src/positions/visit-detector').VisitDetector>;
type Decisions = InstanceType<
  typeof import('../../apps/courier-tracking/src/positions/position-decisions').PositionDecisions
>;
type CreateOrder = InstanceType<
  typeof import('../../apps/courier-tracking/src/deliveries/create-order/create-order').CreateOrder
>;
type Settings = InstanceType<
  typeof import('../../apps/courier-tracking/src/settings/settings.service').SettingsService
>;
type Commands = InstanceType<
  typeof import('../../apps/courier-tracking/src/deliveries/delivery-commands').DeliveryCommands
>;

export interface MembershipLatency {
  /** ms from the join to the first decision, every sample. */
  readonly joined: number[];
  readonly pointFirst: number[];
  readonly pointAfter: number[];
  /** ms from offering the point to its decision, for a delivery on the route all along. */
  readonly baseline: number[];
}

const samples = (): number => Number(process.env.BENCH_MEMBERSHIP_SAMPLES ?? 200);
/** Far north of every simulated street: only the new delivery is near the point. */
const doorOf = (sample: number) => ({ lat: 58 + sample * 0.05, lon: 37.3 });
/** The control delivery's door: 2 km from the sample's, farther than any radius, and from every other door. */
const controlDoorOf = (sample: number) => ({ lat: 58.02 + sample * 0.05, lon: 37.3 });

/**
 * Runs after the throughput rounds, on the same app: `BENCH_MEMBERSHIP_SAMPLES` (200) routes (one per courier) each get one new delivery.
 * Sequential, so one sample never waits behind another's work.
 */
export async function membershipLatency(
  company: string,
  after: number,
  deps: {
    detector: Detector;
    decisions: Decisions;
    createOrder: CreateOrder;
    settings: Settings;
    commands: Commands;
  },
): Promise<MembershipLatency> {
  const { detector, decisions, createOrder, settings, commands } = deps;
  const firstHanded = new Map<string, number>();
  const joinedAt = new Map<string, number>();
  let measuring = true;
  // Registered after the app's own listener (the detector's membership): the join starts before this clock does.
  // A point after the join comes the moment the process is told (not after the HTTP answer: that is not ours to time).
  let pointAtJoin: (() => void) | undefined;
  commands.onExecuted((id, decided) => {
    if (!measuring || !decided.events.some((event) => event.type === 'DeliveryCreated')) return;
    joinedAt.set(id, performance.now());
    pointAtJoin?.();
    pointAtJoin = undefined;
  });
  const hand = decisions.hand.bind(decisions);
  decisions.hand = (list) => {
    const now = performance.now();
    // Every delivery's (the phase hands few): a joiner's may come before its create returned.
    for (const decision of list) if (!firstHanded.has(decision.deliveryId)) firstHanded.set(decision.deliveryId, now);
    return hand(list);
  };
  const until = async (id: string): Promise<number> => {
    for (const deadline = Date.now() + 30_000; !firstHanded.has(id);) {
      if (Date.now() > deadline) throw new Error(`no decision for delivery ${id} within 30 s`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return firstHanded.get(id) as number;
  };
  const offer = async (c: number, at: { lat: number; lon: number }, timestamp: number) => {
    const route = await settings.route(company, routeId(c));
    if (!route) throw new Error(`route ${routeId(c)} is missing`);
    await detector.offer(courierId(c), route, [{ ...at, timestamp }], () => undefined);
  };
  const create = async (sample: number, at: { lat: number; lon: number }, name = `join-${sample}`): Promise<string> => {
    const body = {
      number: name,
      address: `North ${name}`,
      ...at,
      time_interval: '08-20',
      route_id: routeId(sample),
      customer_name: 'Bench',
      phone: '+79990000000',
    };
    const created = await createOrder.create(company, body, { actor: 'bench' });
    return String(created.delivery_id);
  };
  const result: MembershipLatency = { joined: [], pointFirst: [], pointAfter: [], baseline: [] };
  // The baseline's deliveries join their routes before any sample: by the time their point comes, each has been on
  // its route all along, and is still open (the morning's deliveries were all finished by the throughput rounds).
  const controls: string[] = [];
  for (let sample = 0; sample < samples(); sample++) controls.push(await create(sample, controlDoorOf(sample), `control-${sample}`));
  try {
    for (let sample = 0; sample < samples(); sample++) {
      const timestamp = DAY_START_S + (after + 10 + sample) * TICK_S;
      const door = doorOf(sample);
      if (sample % 2 === 1) await offer(sample, door, timestamp); // the point first: it waits among the recent points
      let offered: Promise<void> | undefined;
      if (sample % 2 === 0) pointAtJoin = () => (offered = offer(sample, door, timestamp));
      const id = await create(sample, door);
      await offered;
      const latency = (await until(id)) - (joinedAt.get(id) ?? Number.NaN);
      result.joined.push(latency);
      (sample % 2 === 1 ? result.pointFirst : result.pointAfter).push(latency);
      // The baseline: the courier at the control delivery's door, a delivery on this route all along.
      const control = controls[sample] as string;
      // Its join had the route's recent points evaluated for it: only this point's decision counts here.
      firstHanded.delete(control);
      const offeredAt = performance.now();
      await offer(sample, controlDoorOf(sample), timestamp + 1);
      result.baseline.push((await until(control)) - offeredAt);
    }
  } finally {
    decisions.hand = hand;
    measuring = false;
  }
  return result;
}

export const p99 = (values: readonly number[]): number =>
  values.length > 0 ? percentile([...values], 99) : Number.NaN;
export const p50 = (values: readonly number[]): number =>
  values.length > 0 ? percentile([...values], 50) : Number.NaN;
