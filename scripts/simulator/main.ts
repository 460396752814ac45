// `npm run simulate -- --seed N --steps M [--seeds K] [--keep i,j,…] [--buggy-policy] [--buggy-store] [--market-chaos] [--partitions P] [--trace]`
// Deterministic simulation of the three services (README.md in this folder). Exit code 1 when an invariant broke.
import { drawSteps } from './actions';
import { formatFailure, replayCommand, sweep } from './report';
import { runSchedule, type SimulationOptions } from './simulate';

function parse(argv: string[]): Record<string, string | true> {
  const args: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (value !== undefined && !value.startsWith('--')) {
      args[name] = value;
      i++;
    } else args[name] = true;
  }
  return args;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const int = (name: string, fallback: number) => (typeof args[name] === 'string' ? Number.parseInt(args[name] as string, 10) : fallback);
  const seed = int('seed', 1);
  const steps = int('steps', 1000);
  const seeds = int('seeds', 1);
  const options: SimulationOptions = { buggyDeliveryFinished: args['buggy-policy'] === true, marketChaos: args['market-chaos'] === true,
    buggyStore: args['buggy-store'] === true, partitions: int('partitions', 3) };
  if (typeof args.keep === 'string' || args.trace === true) {
    // A replay: exactly these steps of the seed's schedule, traced.
    const schedule = drawSteps(seed, steps);
    const kept = typeof args.keep === 'string' ? args.keep.split(',').map(Number) : schedule.map((_, i) => i);
    const result = await runSchedule(seed, schedule, kept, { ...options, trace: (line) => console.log(line) });
    if (!result.violation) {
      console.log(`ok: seed ${seed}, ${kept.length} step(s), no invariant broken`);
      return 0;
    }
    console.log(`FAILED: ${result.violation.invariant} at ${String(result.violation.atStep)}: ${result.violation.detail}`);
    console.log(`replay: ${replayCommand(seed, steps, kept, options)}`);
    return 1;
  }
  const result = await sweep(seed, seeds, steps, options);
  const simulated = result.millis - result.shrinkMillis;
  const rate = Math.round(result.steps / (simulated / 1000));
  console.log(`${result.runs} seed(s) from ${seed} × ${steps} steps = ${result.steps} steps in ${(simulated / 1000).toFixed(1)} s (${rate} steps/s), ${
    result.events} events${result.shrinkMillis > 0 ? `; shrinking took ${(result.shrinkMillis / 1000).toFixed(1)} s` : ''}`);
  console.log(`  ${Object.entries(result.stats).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (result.failure) {
    console.log(formatFailure(result.failure));
    return 1;
  }
  console.log('ok: no invariant broken');
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(2);
});
