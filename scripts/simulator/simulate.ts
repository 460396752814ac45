import { createHash } from 'node:crypto';
import { drawSteps, runStep, type Step } from './actions';
import { checkProjection, checkQuiescent, checkStream, checkTimers, type Violation } from './invariants';
import { World, type Service, type WorldOptions } from './world';

export interface SimulationOptions extends WorldOptions {
  readonly partitions?: number;
  /** Print what each step did (used to show a shrunk reproduction). */
  readonly trace?: (line: string) => void;
}

export interface RunResult {
  readonly seed: number;
  readonly steps: number;
  readonly violation?: Violation & { readonly atStep: number | 'quiescence' };
  readonly stats: World['stats'];
  readonly orders: number;
  readonly events: number;
  /** A hash of the whole log (ids, streams, versions, types, data): equal digests, equal runs. */
  readonly digest: string;
}

/** Runs the chosen steps (all, or those kept by the shrinker) of a seed's schedule, then drives the world to rest. */
export async function runSchedule(seed: number, steps: readonly Step[], indexes: readonly number[], options: SimulationOptions = {}): Promise<RunResult> {
  // Refused commands are outcomes here, thousands a second, and their stacks are never read: capturing ten frames
  // each was a fifth of the run time. Restored when the run ends.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  try {
    return await run(seed, steps, indexes, options);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function run(seed: number, steps: readonly Step[], indexes: readonly number[], options: SimulationOptions): Promise<RunResult> {
  const world = new World(options.partitions ?? 3, options);
  world.trace = options.trace;
  const done = (violation?: RunResult['violation']): RunResult => ({
    seed, steps: indexes.length, violation, stats: world.stats, orders: world.orders.length, events: world.store.position,
    digest: logDigest(world),
  });
  for (const index of indexes) {
    const touched = new Set<string>();
    world.trace?.(`#${index} ${steps[index].kind}`);
    try {
      await runStep(world, steps[index], touched);
    } catch (error) {
      return done({ invariant: 'no-unexpected-error', detail: String((error as Error).stack ?? error), atStep: index });
    }
    const violation = checkStep(world, touched);
    if (violation) return done({ ...violation, atStep: index });
  }
  world.trace?.('-- quiescence: no more faults; relay, deliver, project, move the clock past every deadline');
  try {
    await quiesce(world);
  } catch (error) {
    return done({ invariant: 'no-unexpected-error', detail: String((error as Error).stack ?? error), atStep: 'quiescence' });
  }
  const violation = checkStep(world, new Set()) ?? checkQuiescent(world);
  return done(violation && { ...violation, atStep: 'quiescence' });
}

function checkStep(world: World, touched: Set<string>): Violation | undefined {
  for (const streamId of world.store.takeDirty()) {
    const violation = checkStream(world, streamId);
    if (violation) return violation;
  }
  // Read model rows change only when the projection applies events: the orders it touched are the ones to rebuild.
  return checkTimers(world) ?? checkProjection(world, touched);
}

const SERVICES: readonly Service[] = ['intake', 'courier', 'market'];

function logDigest(world: World): string {
  const hash = createHash('sha256');
  for (const e of world.store.after(0)) hash.update(`${e.eventId} ${e.streamId} ${e.streamVersion} ${e.type} ${JSON.stringify(e.data)}\n`);
  return hash.digest('hex');
}

/**
 * No more faults: relays publish everything, consumers take every message in partition order, the projection
 * catches up and the clock moves past every deadline so each timer fires. Repeated until nothing changes.
 */
export async function quiesce(world: World): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    for (const service of SERVICES) while (world.relay(service, 1000, false) > 0 || world.relays[service] < world.store.position);
    world.scheduleTimers();
    for (let backlog = world.transport.backlog(); backlog.length > 0; backlog = world.transport.backlog()) {
      for (const { consumer, partition } of backlog) await world.deliver(consumer, partition, 'none');
    }
    world.project(Number.MAX_SAFE_INTEGER, new Set());
    const pending = [...world.timers.values()].filter((t) => !t.fired);
    if (pending.length > 0) {
      world.clock.now = Math.max(world.clock.now, ...pending.map((t) => t.deadlineAt));
      while (await world.fireTimer('none'));
    }
    if (world.idle()) return;
  }
  throw new Error('the world did not come to rest in 1000 rounds');
}

export async function simulate(seed: number, count: number, options: SimulationOptions = {}): Promise<RunResult & { schedule: Step[] }> {
  const schedule = drawSteps(seed, count);
  const result = await runSchedule(seed, schedule, schedule.map((_, i) => i), options);
  return { ...result, schedule };
}

/**
 * Shrinks a failing schedule: cut everything after the failing step, then drop chunks (halves, quarters, … single
 * steps) for as long as the same invariant still fails. Returns the kept step indexes.
 */
export async function shrink(seed: number, schedule: readonly Step[], failure: NonNullable<RunResult['violation']>,
  options: SimulationOptions = {}, budget = 400): Promise<number[]> {
  let kept = schedule.map((_, i) => i);
  if (failure.atStep !== 'quiescence') kept = kept.slice(0, failure.atStep + 1);
  let runs = 0;
  const fails = async (candidate: number[]) => {
    runs += 1;
    const result = await runSchedule(seed, schedule, candidate, { ...options, trace: undefined });
    return result.violation?.invariant === failure.invariant;
  };
  // The shortest failing prefix first (binary search, a few runs): later steps are rarely needed, and every
  // chunk-removal run below is then shorter.
  for (let low = 1, high = kept.length; low < high;) {
    const middle = (low + high) >> 1;
    if (await fails(kept.slice(0, middle))) high = middle;
    else low = middle + 1;
    if (low === high) kept = kept.slice(0, low);
  }
  for (let chunk = Math.max(1, kept.length >> 1); ; chunk = Math.max(1, chunk >> 1)) {
    let removedAny = false;
    for (let start = kept.length - chunk; start >= 0 && runs < budget; start -= chunk) {
      const candidate = [...kept.slice(0, start), ...kept.slice(start + chunk)];
      if (candidate.length > 0 && await fails(candidate)) {
        kept = candidate;
        removedAny = true;
      }
    }
    if ((chunk === 1 && !removedAny) || runs >= budget) return kept;
  }
}
