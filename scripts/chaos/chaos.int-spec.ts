import { Client } from 'pg';
import { ChaosSession, type ChaosReport, type RunOptions } from './run';
import { SCENARIOS } from './scenarios';
import { compareWithFold, SERVICE_READ_MODELS } from './service-read-models';

/*
 * The short form of each chaos scenario (README.md in this folder): a few dozen orders through the four real services
 * while the scenario's fault strikes, then every acknowledged command's effect must be there exactly once, the
 * projector's order summary must equal a rebuild and every service's own read model a fold of its log. The scenarios
 * share one stack (each with its own company and keys): its services talk to a broker of the run's own and reach
 * PostgreSQL through the database scenario's proxy, both idle until their scenario strikes. A stack start was most of
 * a short run. The long forms run with `npm run chaos -- <scenario>`, each on a stack of its own.
 */

const SHORT: Omit<RunOptions, 'log'> = { orders: 30, seconds: 20, seed: 19, concurrency: 8, outageSeconds: 5 };
const TEST_TIMEOUT_MS = 240_000;

function expectClean(report: ChaosReport): void {
  const summary = {
    lost: report.lost,
    duplicated: report.duplicated,
    readModels: report.readModels,
    serviceReadModels: report.serviceReadModels.map((model) =>
      'equal' in model ? { [model.name]: model.equal } : model,
    ),
    findings: report.findings.slice(0, 10),
  };
  expect(report.acknowledged).toBeGreaterThan(0);
  expect(summary).toMatchObject({
    lost: 0,
    duplicated: 0,
    readModels: { equal: true },
    findings: [],
    serviceReadModels: SERVICE_READ_MODELS.map((model) => ({ [model.name]: true })),
  });
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

  describe('every scenario in turn on one stack', () => {
    let session: ChaosSession;
    const { kill, timers, database, broker, replicas } = SCENARIOS;

    beforeAll(async () => {
      session = await ChaosSession.open([kill, timers, database, broker, replicas], options, 'short');
    }, TEST_TIMEOUT_MS);

    afterAll(async () => {
      await session?.close();
    }, TEST_TIMEOUT_MS);

    it(
      'kill: each service SIGKILLed in turn and restarted loses and duplicates nothing',
      async () => {
        expectClean(await session.run(kill));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'timers: deadlines due across a SIGKILL and restart, and clock jumps ahead and back, fire exactly once',
      async () => {
        expectClean(await session.run(timers));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'database: PostgreSQL cut off under load (a proxy drops and refuses connections) loses and duplicates nothing',
      async () => {
        const report = await session.run(database);
        expectClean(report);
        // Unwell while it lasted, well again after it without a restart.
        expect(report.figures.exitedAfter).toBe(0);
        const seen = report.figures.healthDuringOutage as Record<string, Record<string, number>>;
        for (const answers of Object.values(seen)) expect(answers['503']).toBeGreaterThan(0);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "broker: the run's own Kafka broker SIGKILLed and down for the outage loses and duplicates nothing",
      async () => {
        expectClean(await session.run(broker));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'replicas: two instances of every service, one of each SIGKILLed mid-run, lose and duplicate nothing',
      async () => {
        expectClean(await session.run(replicas));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "the fold comparison finds a service read model row changed behind its projection's back",
      async () => {
        // What the scenarios' equal read models are worth: one tampered row of each model must make it unequal.
        const tampered = [
          'UPDATE intake_order_board SET amount_minor = amount_minor + 1 WHERE ctid = (SELECT min(ctid) FROM intake_order_board)',
          "UPDATE delivery_details SET status = 'TAMPERED' WHERE ctid = (SELECT min(ctid) FROM delivery_details)",
          "UPDATE cancellation_requests SET decided_by = 'tampered' WHERE ctid = (SELECT min(ctid) FROM cancellation_requests)",
        ];
        for (const [index, model] of SERVICE_READ_MODELS.entries()) {
          const url = session.stack.databaseUrl(model.service);
          const db = new Client({ connectionString: url });
          await db.connect();
          try {
            expect((await db.query(tampered[index])).rowCount).toBe(1);
          } finally {
            await db.end();
          }
          const comparison = await compareWithFold(model, url, 0);
          expect({ [model.name]: comparison.equal }).toEqual({ [model.name]: false });
        }
      },
      TEST_TIMEOUT_MS,
    );
  });
});
