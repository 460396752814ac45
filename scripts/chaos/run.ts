import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '../simulator/prng';
import { check, type CheckResult } from './checker';
import { LoadDriver, type Kind } from './load';
import { compareWithRebuild, READ_MODEL_SCHEMA, type ReadModelComparison } from './read-models';
import { compareWithFold, SERVICE_READ_MODELS, type ServiceReadModelComparison } from './service-read-models';
import { ChaosStack, compiledTree, type StackOptions } from './stack';

export interface RunOptions {
  readonly orders: number;
  readonly seconds: number;
  readonly seed: number;
  readonly concurrency: number;
  /** How long an outage lasts (broker, database): 30 s in the long form, a few in the short one. */
  readonly outageSeconds: number;
  readonly log: (line: string) => void;
}

/** What a scenario's faults see: the stack, the load under way, a seeded random source and the fault log. */
export interface FaultContext {
  readonly stack: ChaosStack;
  readonly driver: LoadDriver;
  readonly random: Prng;
  readonly options: RunOptions;
  /** True once the load driver has offered and driven all its orders. */
  loadDone(): boolean;
  /** Records a fault (what, when) in the report and the log. */
  fault(what: string): void;
  sleep(ms: number): Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly kinds: readonly Kind[];
  readonly expireWithinMs?: readonly [number, number];
  /** Instances of every service (1 unless the scenario runs replicas side by side). */
  readonly replicas?: number;
  /** Before the stack starts: an own broker, a database proxy; answers the stack's options and a teardown. */
  prepare?(options: RunOptions): Promise<{ stack: Partial<StackOptions>; teardown(): Promise<void> }>;
  /** Injects the faults while the load runs; returns once it has healed everything it broke. */
  faults(context: FaultContext): Promise<void>;
  /** Extra figures for the report (e.g. /health during an outage). */
  figures?(): Record<string, unknown>;
}

export interface ChaosReport {
  readonly scenario: string;
  readonly seed: number;
  readonly options: { orders: number; seconds: number; concurrency: number; outageSeconds: number };
  readonly startedAt: string;
  /** With the stack's start for a scenario alone; without it for one of several on a shared stack. */
  readonly durationSeconds: number;
  /** How long the stack took to start, and how many scenarios ran on it before this one. */
  readonly stack: { startSeconds: number; scenariosBefore: number };
  readonly faults: { atSeconds: number; what: string }[];
  readonly offered: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly orders: { offered: number; completed: number; byKind: Record<string, number> };
  readonly byStep: CheckResult['byStep'];
  readonly journalEvents: number;
  /** The projector's order summary against a blue/green rebuild. */
  readonly readModels: ReadModelComparison | { error: string };
  /** Each service's own read model against a fold of its event log (service-read-models.ts). */
  readonly serviceReadModels: (ServiceReadModelComparison | { name: string; error: string })[];
  readonly findings: CheckResult['findings'];
  readonly figures: Record<string, unknown>;
  readonly logDir: string;
  readonly databases: Record<string, string>;
  readonly passed: boolean;
}

// Longer than a consumer group needs to notice a SIGKILLed member (10 s session) and rebalance on a loaded machine.
const QUIET_MS = 45_000;
const QUIESCE_TIMEOUT_MS = 300_000;
// After everything is there: one more look a few seconds on catches duplicates a late redelivery would add.
const SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const SERVER_FULL_MS = 120_000;

/**
 * The checker's own reads, again while the PostgreSQL server refuses connections for having too many (53300): the
 * server is shared with other runs on this machine, and its being full says nothing about the services under test.
 */
async function checkerRead<T>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SERVER_FULL_MS;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if ((error as { code?: string }).code !== '53300' || Date.now() > deadline) throw error;
      await sleep(1_000);
    }
  }
}

/**
 * One stack for one or more scenarios run one after another: each prepares what it needs before the stack starts (an
 * own broker, a database proxy, a clock preload: each idle until its scenario strikes), each has its own company
 * (campaign), seed and idempotency keys, so the checker counts each scenario's commands apart. The short forms all
 * share one this way (chaos.int-spec.ts): a stack start was most of a short run. A scenario with replicas scales the
 * stack up first; one that follows a scenario which left instances down has them restarted.
 */
export class ChaosSession {
  private readonly companies = new Set<string>();
  private runs = 0;
  private failed = false;

  private constructor(readonly stack: ChaosStack, private readonly options: RunOptions,
    private readonly teardowns: (() => Promise<void>)[], readonly startSeconds: number) {}

  static async open(scenarios: readonly Scenario[], options: RunOptions, label?: string): Promise<ChaosSession> {
    const started = Date.now();
    const teardowns: (() => Promise<void>)[] = [];
    let stack: ChaosStack | undefined;
    try {
      let stackOptions: StackOptions = { label: label ?? scenarios.map((scenario) => scenario.name).join('-') };
      for (const scenario of scenarios) {
        const prepared = await scenario.prepare?.(options);
        if (!prepared) continue;
        teardowns.unshift(() => prepared.teardown());
        stackOptions = { ...stackOptions, ...prepared.stack, env: { ...stackOptions.env, ...prepared.stack.env } };
      }
      if (process.env.CHAOS_FROM_SOURCES !== '1') {
        const tree = await compiledTree(stackOptions.label);
        teardowns.push(async () => tree.remove());
        stackOptions = { ...stackOptions, compiledTree: tree.dir };
      }
      stack = new ChaosStack(stackOptions);
      const from = stackOptions.compiledTree ? 'compiled' : 'from sources';
      options.log(`stack: prefix ${stack.prefix}, logs ${stack.logDir} (${from})`);
      await stack.start();
      const startSeconds = (Date.now() - started) / 1000;
      options.log(`stack up in ${startSeconds.toFixed(1)} s`);
      return new ChaosSession(stack, options, teardowns, startSeconds);
    } catch (error) {
      if (stack) options.log(`failed: ${(error as Error).message}\n${stack.logs()}`);
      await stack?.stop();
      for (const teardown of teardowns) await teardown().catch(() => undefined);
      throw error;
    }
  }

  /** Stops the stack (keeping a failed run's databases and topics when CHAOS_KEEP_FAILED=1) and undoes the preparations. */
  async close(): Promise<void> {
    await this.stack.stop({ keepData: this.failed && process.env.CHAOS_KEEP_FAILED === '1' });
    for (const teardown of this.teardowns) await teardown().catch(() => undefined);
  }

  /**
   * One scenario on this stack: the load through the services' APIs while it injects its faults, then quiescence
   * (every effect there, or nothing moving any more), the count of lost and duplicated effects, and the read models
   * against a rebuild or a fold of their logs.
   */
  async run(scenario: Scenario): Promise<ChaosReport> {
    const { stack, options } = this;
    const started = Date.now();
    const faults: { atSeconds: number; what: string }[] = [];
    // The n-th scenario of a stack loads with seed + n: its own campaign and Market order ids.
    const seed = options.seed + this.runs++;
    try {
      for (const instance of stack.instances) if (!instance.running) await instance.restart();
      await stack.scale(scenario.replicas ?? 1);
      options.log(`${scenario.name}: load: ${options.orders} orders, ${options.seconds} s, seed ${seed}`);
      const driver = new LoadDriver(stack, {
        orders: options.orders, seconds: options.seconds, seed, concurrency: options.concurrency,
        kinds: scenario.kinds, expireWithinMs: scenario.expireWithinMs, keyPrefix: `${stack.suffix}-${scenario.name}`,
      });
      if (this.companies.has(driver.company)) throw new Error(`company ${driver.company} already loaded on this stack`);
      this.companies.add(driver.company);
      const loadStart = Date.now();
      let loadDone = false;
      const context: FaultContext = {
        stack, driver, random: new Prng(seed ^ 0x5eed), options, loadDone: () => loadDone, sleep,
        fault: (what) => {
          const atSeconds = Math.round((Date.now() - loadStart) / 100) / 10;
          faults.push({ atSeconds, what });
          options.log(`${atSeconds.toFixed(1)} s: ${what}`);
        },
      };
      const load = driver.run().finally(() => { loadDone = true; });
      await Promise.all([load, scenario.faults(context)]);
      const loadSeconds = ((Date.now() - loadStart) / 1000).toFixed(1);
      options.log(`load done: ${driver.orders.length} orders in ${loadSeconds} s; waiting for quiescence`);
      const result = await quiesce(stack, driver);
      const [readModels, serviceReadModels] = await Promise.all([
        compareWithRebuild(stack.databaseUrl('projector'), stack.compiledTree)
          .catch((error: Error): ChaosReport['readModels'] => ({ error: error.message })),
        Promise.all(SERVICE_READ_MODELS.map((model) => checkerRead(
          () => compareWithFold(model, stack.databaseUrl(model.service)))
          .catch((error: Error) => ({ name: model.name, error: error.message })))),
      ]);
      const byKind: Record<string, number> = {};
      for (const order of driver.orders) byKind[order.kind] = (byKind[order.kind] ?? 0) + 1;
      const passed = result.lost === 0 && result.duplicated === 0 && 'equal' in readModels && readModels.equal
        && serviceReadModels.every((model) => 'equal' in model && model.equal);
      this.failed ||= !passed;
      const verdict = (equal: boolean | undefined) => (equal ? 'equal' : equal === false ? 'DIFFER' : 'not compared');
      const summary = verdict('equal' in readModels ? readModels.equal : undefined);
      const services = serviceReadModels.map((model) => ('equal' in model
        ? `${model.name} and a fold of ${model.events} events ${verdict(model.equal)}`
        : `${model.name}: ${model.error}`));
      options.log(`read models: order summary and rebuild ${summary}; ${services.join('; ')}`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      options.log(`${scenario.name}: ${passed ? 'passed' : 'FAILED'} in ${seconds} s`);
      return {
        scenario: scenario.name, seed,
        options: {
          orders: options.orders, seconds: options.seconds, concurrency: options.concurrency,
          outageSeconds: options.outageSeconds,
        },
        startedAt: new Date(started).toISOString(), durationSeconds: Math.round((Date.now() - started) / 1000),
        stack: { startSeconds: Math.round(this.startSeconds), scenariosBefore: this.runs - 1 }, faults,
        offered: result.offered, acknowledged: result.acknowledged, lost: result.lost, duplicated: result.duplicated,
        orders: { offered: result.offeredOrders, completed: result.completedOrders, byKind },
        byStep: result.byStep, journalEvents: result.journalEvents, readModels, serviceReadModels,
        findings: result.findings.slice(0, 100), figures: scenario.figures?.() ?? {}, logDir: stack.logDir,
        databases: Object.fromEntries(stack.databases), passed,
      };
    } catch (error) {
      this.failed = true;
      options.log(`failed: ${(error as Error).message}\n${stack.logs()}`);
      throw error;
    }
  }
}

/** One scenario on a stack of its own (`npm run chaos -- <scenario>`). */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ChaosReport> {
  const session = await ChaosSession.open([scenario], options);
  try {
    const report = await session.run(scenario);
    return { ...report, durationSeconds: report.durationSeconds + report.stack.startSeconds };
  } finally {
    await session.close();
  }
}

/** Checks until nothing is missing, or until the journal has not moved for QUIET_MS (what is missing then is lost). */
async function quiesce(stack: ChaosStack, driver: LoadDriver): Promise<CheckResult> {
  const checkNow = () => checkerRead(() => check(stack.databaseUrl('projector'), READ_MODEL_SCHEMA, driver.company,
    driver.orders));
  const deadline = Date.now() + QUIESCE_TIMEOUT_MS;
  let last = await checkNow();
  let movedAt = Date.now();
  while (last.lost > 0 && Date.now() - movedAt < QUIET_MS && Date.now() < deadline) {
    await sleep(1000);
    const next = await checkNow();
    if (next.journalEvents !== last.journalEvents) movedAt = Date.now();
    last = next;
  }
  await sleep(SETTLE_MS);
  return checkNow();
}

/** Writes bench/results/chaos-<scenario>.json. */
export function writeReport(report: ChaosReport): string {
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chaos-${report.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
