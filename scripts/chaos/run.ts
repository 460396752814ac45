import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '../simulator/prng';
import { check, type CheckResult } from './checker';
import { LoadDriver, type Kind } from './load';
import { compareWithRebuild, READ_MODEL_SCHEMA, type ReadModelComparison } from './read-models';
import { ChaosStack, type StackOptions } from './stack';

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
  readonly durationSeconds: number;
  readonly faults: { atSeconds: number; what: string }[];
  readonly offered: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly orders: { offered: number; completed: number; byKind: Record<string, number> };
  readonly byStep: CheckResult['byStep'];
  readonly journalEvents: number;
  readonly readModels: ReadModelComparison | { error: string };
  readonly findings: CheckResult['findings'];
  readonly figures: Record<string, unknown>;
  readonly logDir: string;
  readonly databases: Record<string, string>;
  readonly passed: boolean;
}

// Longer than a consumer group needs to notice a SIGKILLed member (10 s session) and rebalance on a loaded machine.
const QUIET_MS = 45_000;
const QUIESCE_TIMEOUT_MS = 300_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One chaos run: the stack on fresh databases and topics, the load through the services' APIs while the scenario
 * injects its faults, then quiescence (every effect there, or nothing moving any more), the count of lost and
 * duplicated effects, and the projector's live order summary against a rebuild.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ChaosReport> {
  const started = Date.now();
  const faults: { atSeconds: number; what: string }[] = [];
  const prepared = scenario.prepare ? await scenario.prepare(options) : undefined;
  const stack = new ChaosStack({ label: scenario.name, replicas: scenario.replicas, ...prepared?.stack });
  let passed = false;
  try {
    options.log(`stack: prefix ${stack.prefix}, logs ${stack.logDir}`);
    await stack.start();
    options.log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s; load: ${options.orders} orders, ${options.seconds} s, seed ${options.seed}`);
    const driver = new LoadDriver(stack, {
      orders: options.orders, seconds: options.seconds, seed: options.seed, concurrency: options.concurrency,
      kinds: scenario.kinds, expireWithinMs: scenario.expireWithinMs,
    });
    const loadStart = Date.now();
    let loadDone = false;
    const context: FaultContext = {
      stack, driver, random: new Prng(options.seed ^ 0x5eed), options, loadDone: () => loadDone, sleep,
      fault: (what) => {
        const atSeconds = Math.round((Date.now() - loadStart) / 100) / 10;
        faults.push({ atSeconds, what });
        options.log(`${atSeconds.toFixed(1)} s: ${what}`);
      },
    };
    const load = driver.run().finally(() => { loadDone = true; });
    await Promise.all([load, scenario.faults(context)]);
    options.log(`load done: ${driver.orders.length} orders in ${((Date.now() - loadStart) / 1000).toFixed(1)} s; waiting for quiescence`);
    const result = await quiesce(stack, driver);
    let readModels: ChaosReport['readModels'];
    try {
      readModels = await compareWithRebuild(stack.databaseUrl('projector'));
    } catch (error) {
      readModels = { error: (error as Error).message };
    }
    const byKind: Record<string, number> = {};
    for (const order of driver.orders) byKind[order.kind] = (byKind[order.kind] ?? 0) + 1;
    const report: ChaosReport = {
      scenario: scenario.name, seed: options.seed,
      options: { orders: options.orders, seconds: options.seconds, concurrency: options.concurrency, outageSeconds: options.outageSeconds },
      startedAt: new Date(started).toISOString(), durationSeconds: Math.round((Date.now() - started) / 1000), faults,
      offered: result.offered, acknowledged: result.acknowledged, lost: result.lost, duplicated: result.duplicated,
      orders: { offered: result.offeredOrders, completed: result.completedOrders, byKind },
      byStep: result.byStep, journalEvents: result.journalEvents, readModels, findings: result.findings.slice(0, 100),
      figures: scenario.figures?.() ?? {}, logDir: stack.logDir, databases: Object.fromEntries(stack.databases),
      passed: result.lost === 0 && result.duplicated === 0 && 'equal' in readModels && readModels.equal,
    };
    passed = report.passed;
    return report;
  } catch (error) {
    options.log(`failed: ${(error as Error).message}\n${stack.logs()}`);
    throw error;
  } finally {
    await stack.stop({ keepData: !passed && process.env.CHAOS_KEEP_FAILED === '1' });
    await prepared?.teardown();
  }
}

/** Checks until nothing is missing, or until the journal has not moved for QUIET_MS (what is missing then is lost). */
async function quiesce(stack: ChaosStack, driver: LoadDriver): Promise<CheckResult> {
  const deadline = Date.now() + QUIESCE_TIMEOUT_MS;
  let last = await check(stack.databaseUrl('projector'), READ_MODEL_SCHEMA, driver.company, driver.orders);
  let movedAt = Date.now();
  while (last.lost > 0 && Date.now() - movedAt < QUIET_MS && Date.now() < deadline) {
    await sleep(1000);
    const next = await check(stack.databaseUrl('projector'), READ_MODEL_SCHEMA, driver.company, driver.orders);
    if (next.journalEvents !== last.journalEvents) movedAt = Date.now();
    last = next;
  }
  // Settled: one more look after a quiet second catches duplicates a late redelivery would add.
  await sleep(5_000);
  return check(stack.databaseUrl('projector'), READ_MODEL_SCHEMA, driver.company, driver.orders);
}

/** Writes bench/results/chaos-<scenario>.json. */
export function writeReport(report: ChaosReport): string {
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chaos-${report.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
