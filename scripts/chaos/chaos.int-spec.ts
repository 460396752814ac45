import { runScenario, type ChaosReport, type RunOptions } from './run';
import { SCENARIOS } from './scenarios';

/*
 * The short form of each chaos scenario (README.md in this folder): a few dozen orders through the four real services
 * while the scenario's fault strikes, then every acknowledged command's effect must be there exactly once and the
 * projector's order summary must equal a rebuild. The long forms run with `npm run chaos -- <scenario>`.
 */

const SHORT: Omit<RunOptions, 'log'> = { orders: 30, seconds: 20, seed: 19, concurrency: 8, outageSeconds: 5 };
const TEST_TIMEOUT_MS = 240_000;

function expectClean(report: ChaosReport): void {
  const summary = { lost: report.lost, duplicated: report.duplicated, readModels: report.readModels, findings: report.findings.slice(0, 10) };
  expect(report.acknowledged).toBeGreaterThan(0);
  expect(summary).toMatchObject({ lost: 0, duplicated: 0, readModels: { equal: true }, findings: [] });
}

describe('chaos scenarios, short form', () => {
  const lines: string[] = [];
  const options: RunOptions = { ...SHORT, log: (line) => lines.push(line) };

  beforeAll(() => {
    process.setMaxListeners(0);
  });

  afterEach(() => {
    // Each scenario's fault log (and, on a failure, the services' last lines): what a reader of a red run needs first.
    process.stdout.write(`${lines.splice(0).join('\n')}\n`);
  });

  it('kill: each service SIGKILLed in turn and restarted loses and duplicates nothing', async () => {
    expectClean(await runScenario(SCENARIOS.kill, options));
  }, TEST_TIMEOUT_MS);

  it('broker: the run\'s own Kafka broker SIGKILLed and down for the outage loses and duplicates nothing', async () => {
    expectClean(await runScenario(SCENARIOS.broker, options));
  }, TEST_TIMEOUT_MS);

  it('database: PostgreSQL cut off under load (a proxy drops and refuses connections) loses and duplicates nothing', async () => {
    const report = await runScenario(SCENARIOS.database, options);
    expectClean(report);
    // Unwell while it lasted, well again after it without a restart.
    expect(report.figures.exitedAfter).toBe(0);
    const seen = report.figures.healthDuringOutage as Record<string, Record<string, number>>;
    for (const answers of Object.values(seen)) expect(answers['503']).toBeGreaterThan(0);
  }, TEST_TIMEOUT_MS);

  it('timers: deadlines due across a SIGKILL and restart, and clock jumps ahead and back, fire exactly once', async () => {
    expectClean(await runScenario(SCENARIOS.timers, options));
  }, TEST_TIMEOUT_MS);

  it('replicas: two instances of every service side by side, one of each SIGKILLed mid-run, lose and duplicate nothing', async () => {
    expectClean(await runScenario(SCENARIOS.replicas, options));
  }, TEST_TIMEOUT_MS);
});
