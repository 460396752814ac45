import type { Step } from './actions';
import { runSchedule, shrink, simulate, type RunResult, type SimulationOptions } from './simulate';

export interface Failure {
  readonly seed: number;
  readonly steps: number;
  readonly violation: NonNullable<RunResult['violation']>;
  readonly kept: number[];
  /** The shrunk schedule replayed with a trace: what each kept step did. */
  readonly trace: string[];
  readonly replay: string;
}

export interface Sweep {
  readonly runs: number;
  readonly steps: number;
  readonly millis: number;
  /** Of `millis`, the time spent shrinking and tracing a failure. */
  readonly shrinkMillis: number;
  readonly events: number;
  readonly failure?: Failure;
  readonly stats: Record<string, number>;
}

/** The command that replays a failure exactly: the same seed and schedule length, only the kept steps. */
export const replayCommand = (seed: number, steps: number, kept: readonly number[], options: SimulationOptions) =>
  `npm run simulate -- --seed ${seed} --steps ${steps} --keep ${kept.join(',')}${options.buggyDeliveryFinished ? ' --buggy-policy' : ''}${options.marketChaos ? ' --market-chaos' : ''}${options.buggyStore ? ' --buggy-store' : ''}${
    options.partitions && options.partitions !== 3 ? ` --partitions ${options.partitions}` : ''
  }`;

/** Runs `seeds` seeds from `firstSeed`, stopping at the first failure, which it shrinks and traces. */
export async function sweep(
  firstSeed: number,
  seeds: number,
  steps: number,
  options: SimulationOptions = {},
): Promise<Sweep> {
  const started = performance.now();
  const stats: Record<string, number> = {};
  let events = 0;
  for (let i = 0; i < seeds; i++) {
    const seed = firstSeed + i;
    const result = await simulate(seed, steps, options);
    events += result.events;
    for (const [key, value] of Object.entries(result.stats)) stats[key] = (stats[key] ?? 0) + value;
    if (result.violation) {
      const simulated = performance.now();
      const failure = await explain(seed, steps, result.schedule, result.violation, options);
      const shrinkMillis = performance.now() - simulated;
      return {
        runs: i + 1,
        steps: (i + 1) * steps,
        millis: performance.now() - started,
        shrinkMillis,
        events,
        failure,
        stats,
      };
    }
  }
  return { runs: seeds, steps: seeds * steps, millis: performance.now() - started, shrinkMillis: 0, events, stats };
}

async function explain(
  seed: number,
  steps: number,
  schedule: Step[],
  violation: NonNullable<RunResult['violation']>,
  options: SimulationOptions,
): Promise<Failure> {
  const kept = await shrink(seed, schedule, violation, options);
  const trace: string[] = [];
  const replayed = await runSchedule(seed, schedule, kept, { ...options, trace: (line) => trace.push(line) });
  return {
    seed,
    steps,
    violation: replayed.violation ?? violation,
    kept,
    trace,
    replay: replayCommand(seed, steps, kept, options),
  };
}

export function formatFailure(failure: Failure): string {
  const { seed, steps, violation, kept } = failure;
  return [
    `FAILED seed ${seed} (${steps} steps): invariant ${violation.invariant} broken at ${
      violation.atStep === 'quiescence' ? 'quiescence' : `step ${violation.atStep}`
    }`,
    `  ${violation.detail.split('\n')[0]}`,
    `shrunk to ${kept.length} step(s): ${kept.join(',')}`,
    ...failure.trace.map((line) => `  ${line}`),
    `replay: ${failure.replay}`,
  ].join('\n');
}
