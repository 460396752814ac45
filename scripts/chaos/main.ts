// `npm run chaos -- <scenario> [--orders N] [--seconds S] [--seed K] [--concurrency C] [--outage S]`
// Runs one chaos scenario (README.md in this folder) and writes bench/results/chaos-<scenario>.json.
// Exit code 0 when nothing was lost or duplicated and the read model equals its rebuild, 1 otherwise.
import { runScenario, writeReport } from './run';
import { SCENARIOS } from './scenarios';

function parse(argv: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) flags[argv[i].slice(2)] = argv[++i] ?? '';
    else positional.push(argv[i]);
  }
  return { positional, flags };
}

async function main(): Promise<number> {
  // Every service process registers an exit hook (no orphan after a crash of this runner); restarts add more.
  process.setMaxListeners(0);
  const { positional, flags } = parse(process.argv.slice(2));
  const scenario = SCENARIOS[positional[0] ?? ''];
  if (!scenario) {
    console.error(
      `usage: npm run chaos -- <${Object.keys(SCENARIOS).join('|')}> [--orders N] [--seconds S] [--seed K] [--concurrency C] [--outage S]`,
    );
    return 2;
  }
  const int = (name: string, fallback: number) => (flags[name] ? Number.parseInt(flags[name], 10) : fallback);
  const report = await runScenario(scenario, {
    orders: int('orders', 10_000),
    seconds: int('seconds', 600),
    seed: int('seed', Date.now() % 1_000_000),
    concurrency: int('concurrency', 8),
    outageSeconds: int('outage', 30),
    log: (line) => console.log(`[chaos ${scenario.name}] ${line}`),
  });
  const file = writeReport(report);
  const { offered, acknowledged, lost, duplicated, readModels } = report;
  console.log(
    `[chaos ${scenario.name}] seed ${report.seed}: offered ${offered}, acknowledged ${acknowledged}, lost ${lost}, duplicated ${duplicated}, ` +
      `orders ${report.orders.offered} (${report.orders.completed} completed), read model ${'equal' in readModels ? (readModels.equal ? 'equals' : 'DIFFERS from') : 'could not be compared with'} its rebuild`,
  );
  for (const model of report.serviceReadModels) {
    const verdict =
      'equal' in model ? (model.equal ? 'equals' : 'DIFFERS from') : `could not be compared (${model.error}) with`;
    console.log(`[chaos ${scenario.name}] ${model.name}: read model ${verdict} a fold of its event log`);
  }
  for (const finding of report.findings.slice(0, 20)) console.log(`  ${JSON.stringify(finding)}`);
  console.log(`[chaos ${scenario.name}] ${report.passed ? 'PASSED' : 'FAILED'}; report: ${file}`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
