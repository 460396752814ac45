import { drawSteps } from './actions';
import { formatFailure, sweep } from './report';
import { runSchedule, simulate } from './simulate';

// The CI budget: 100 seeds × 1,000 steps = 100,000 steps. Measured at 7–11 s on a busy 2-core machine
// (9,000–14,500 steps/s); if this grows past a minute, lower SEEDS rather than the steps per seed, which find the
// long-running interleavings (timers firing after clock jumps, redeliveries after crashes).
const SEEDS = 100;
const STEPS = 1_000;

describe('deterministic simulation of intake, courier tracking and marketplace cancellations', () => {
  it(`keeps every invariant over ${SEEDS} seeds × ${STEPS} steps`, async () => {
    const result = await sweep(1, SEEDS, STEPS);
    if (result.failure) throw new Error(formatFailure(result.failure));
    expect(result.steps).toBeGreaterThanOrEqual(100_000);
    // The faults were exercised, not just scheduled.
    expect(result.stats).toEqual(
      expect.objectContaining({
        conflicts: expect.any(Number),
        crashes: expect.any(Number),
        duplicates: expect.any(Number),
        deadLetters: expect.any(Number),
      }),
    );
    for (const fault of ['conflicts', 'crashes', 'duplicates', 'refused', 'appended'])
      expect(result.stats[fault]).toBeGreaterThan(0);
    console.log(
      `simulation: ${result.steps} steps in ${(result.millis / 1000).toFixed(1)} s (${Math.round(result.steps / (result.millis / 1000))} steps/s), ${result.events} events`,
    );
  }, 120_000);

  it('keeps a cancelled order cancelled when Market reports other statuses afterwards (finding F1, fixed)', async () => {
    const result = await sweep(1, 20, STEPS, { marketChaos: true });
    if (result.failure) throw new Error(formatFailure(result.failure));
    expect(result.steps).toBe(20 * STEPS);
  }, 60_000);

  it('replays a seed exactly: the same log, byte for byte', async () => {
    const first = await simulate(11, 800);
    const second = await simulate(11, 800);
    expect(second.digest).toBe(first.digest);
    expect(second.stats).toEqual(first.stats);
    expect((await simulate(12, 800)).digest).not.toBe(first.digest);
  });

  it('catches an injected bug (a policy accepting the cancellation of a delivered order) and prints a shrunk, replayable seed', async () => {
    const options = { buggyDeliveryFinished: true };
    const result = await sweep(1, 50, STEPS, options);
    const failure = result.failure;
    if (!failure) throw new Error('the buggy policy went unnoticed over 50 seeds');
    console.log(formatFailure(failure));
    expect(failure.violation.invariant).toBe('delivered-never-accepted-by-policy');
    expect(failure.kept.length).toBeLessThan(40);
    expect(failure.replay).toBe(
      `npm run simulate -- --seed ${failure.seed} --steps ${STEPS} --keep ${failure.kept.join(',')} --buggy-policy`,
    );

    const replayed = await runSchedule(failure.seed, drawSteps(failure.seed, STEPS), failure.kept, options);
    expect(replayed.violation?.invariant).toBe('delivered-never-accepted-by-policy');
    // The production policy on the same seed and steps: no invariant broken.
    expect((await runSchedule(failure.seed, drawSteps(failure.seed, STEPS), failure.kept)).violation).toBeUndefined();
    expect((await simulate(failure.seed, STEPS)).violation).toBeUndefined();
  }, 60_000);

  it('catches a store without optimistic concurrency through the interleaved steps', async () => {
    const result = await sweep(1, 50, STEPS, { buggyStore: true });
    if (!result.failure) throw new Error('a store ignoring expected versions went unnoticed over 50 seeds');
    console.log(formatFailure(result.failure));
    expect(result.failure.trace.some((line) => line.includes(' concurrent'))).toBe(true);
    expect(result.failure.kept.length).toBeLessThan(20);
  }, 60_000);
});
