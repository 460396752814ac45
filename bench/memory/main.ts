// `npm run bench -- memory [--seconds S] [--settle-ms MS]`: each service's resident memory (RSS) idle and under load,
// every one as its own process from the compiled build (as the image runs it), against the issue's ceilings
// (150 MiB idle, 300 MiB under load). The four services come up on fresh databases and a topic prefix of this run
// (the chaos stack, run from dist/), the console as a process in front of them. Idle: the highest RSS over a few
// seconds once every one answers its health check and has settled. Load, for `--seconds` (25): the chaos load driver
// (intake submits and accepts, courier-tracking's deliveries from the accepted orders over Kafka, finishes, Market's
// notifications to marketplace-cancellations, the shop's decisions), courier positions pushed over HTTP, the
// projector consuming all of it, and the console's board and API pages loaded; each process's RSS sampled every
// 250 ms, its peak kept. The baseline: a bare node HTTP server (no framework) idle, the floor of any service.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { SimulatedMarket } from '@orders/simulated-market';
import { LoadDriver } from '../../scripts/chaos/load';
import { ChaosStack, SERVICE_NAMES, type ServiceName } from '../../scripts/chaos/stack';
import { machine, metric, report, type Metric } from '../lib/report';
import {
  freePort,
  PeakResident,
  residentMiB,
  serviceArgs,
  startService,
  stopService,
  untilLive,
} from '../lib/service-process';
import { consoleLoad, positionsLoad } from './load';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const SECONDS = arg('seconds', 25);
const SETTLE_MS = arg('settle-ms', 5_000);
const IDLE_WINDOW_MS = 3_000;
const IDLE_CEILING_MIB = 150;
const LOAD_CEILING_MIB = 300;

type Measured = ServiceName | 'console';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The floor: a node process serving HTTP with nothing else loaded, idle. */
async function bareNodeMiB(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "require('node:http').createServer((q, s) => s.end()).listen(0)"], {
    stdio: 'ignore',
  });
  try {
    await sleep(SETTLE_MS);
    return residentMiB(child.pid);
  } finally {
    await stopService(child);
  }
}

async function main(): Promise<void> {
  // Market's settings are filled in once the load driver has named its campaign (it needs the stack to exist).
  const serviceEnv: NodeJS.ProcessEnv = { NODE_ENV: 'production', LOG_LEVEL: 'warn' };
  const stack = new ChaosStack({
    label: 'rss',
    purpose: 'bench',
    env: serviceEnv,
    args: (service) => serviceArgs(`apps/${service}/src/main.ts`),
  });
  const driver = new LoadDriver(stack, {
    orders: 1_000_000,
    seconds: SECONDS,
    seed: Date.now() % 1_000_000,
    concurrency: 8,
    kinds: ['finish', 'reject', 'cancel'],
  });
  const marketKey = `ACMA:${randomBytes(12).toString('hex')}`;
  const market = new SimulatedMarket({ campaigns: { [driver.campaignId]: marketKey } });
  let console_: ChildProcess | undefined;
  try {
    serviceEnv.MARKET_API_URL = await market.listen();
    serviceEnv.MARKET_CAMPAIGNS = JSON.stringify({ [driver.campaignId]: { apiKey: marketKey } });
    console.log(`starting the stack from dist/ (prefix ${stack.prefix}, logs ${stack.logDir})…`);
    await stack.start();
    market.notificationUrl = `${stack.urls('marketplace-cancellations')[0]}/notification`;
    const consolePort = await freePort();
    console_ = startService('apps/console/src/main.ts', {
      PORT: String(consolePort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      INTAKE_URL: stack.urls('intake')[0],
      COURIER_URL: stack.urls('courier-tracking')[0],
      MARKETPLACE_URL: stack.urls('marketplace-cancellations')[0],
      PROJECTOR_URL: stack.urls('projector')[0],
    });
    await untilLive(consolePort);
    const consoleProcess = console_;
    const pids: Record<Measured, () => number | undefined> = {
      ...(Object.fromEntries(SERVICE_NAMES.map((s) => [s, () => stack.of(s)[0].pid])) as Record<
        ServiceName,
        () => number
      >),
      console: () => consoleProcess.pid,
    };

    await sleep(SETTLE_MS);
    const idle = new PeakResident(pids).start();
    await sleep(IDLE_WINDOW_MS);
    const idlePeak = new Map(idle.stop());
    const idleLoad = loadavg()[0];

    const underLoad = new PeakResident(pids).start();
    const started = Date.now();
    const until = started + SECONDS * 1000;
    const consoleUrl = `http://127.0.0.1:${consolePort}`;
    const [, positions, pages] = await Promise.all([
      driver.run(),
      positionsLoad(stack.urls('courier-tracking')[0], stack.apiKey, driver.company, until),
      consoleLoad(consoleUrl, stack.apiKey, driver.company, until),
    ]);
    // The projector and the relays catch up after the last command: their peak may come then.
    await sleep(3_000);
    const loadPeak = underLoad.stop();
    const loadAvg = loadavg()[0];
    const seconds = (Date.now() - started) / 1000;

    const floor = await bareNodeMiB();
    const orders = driver.orders.length;
    const loadNotes =
      `${seconds.toFixed(0)} s: ${orders} orders through intake, courier-tracking and Market's notifications ` +
      `(8 in flight), ${positions.sent} position pushes of 20 points (${positions.failed} not 2xx), ` +
      `${pages.sent} console page/API loads (${pages.failed} not 2xx); ` +
      `load average ${loadAvg.toFixed(1)} on the shared machine`;
    const metrics: Metric[] = [];
    for (const name of [...SERVICE_NAMES, 'console'] as Measured[]) {
      metrics.push(
        metric(`${name}_rss_idle`, 'MiB', idlePeak.get(name) ?? 0, floor, 'bare node HTTP server, idle', {
          goal: `<= ${IDLE_CEILING_MIB} MiB`,
          notes:
            `highest of ${IDLE_WINDOW_MS / 1000} s sampled every 250 ms, ${SETTLE_MS / 1000} s after healthy; ` +
            `load average ${idleLoad.toFixed(1)}`,
        }),
      );
      metrics.push(
        metric(`${name}_rss_under_load`, 'MiB', loadPeak.get(name) ?? 0, floor, 'bare node HTTP server, idle', {
          goal: `<= ${LOAD_CEILING_MIB} MiB`,
          notes: `peak sampled every 250 ms; ${loadNotes}`,
        }),
      );
    }
    report('memory', machine('PostgreSQL', stack.brokers), metrics);
    const over = metrics.filter((m) => m.ours > (m.name.endsWith('_idle') ? IDLE_CEILING_MIB : LOAD_CEILING_MIB));
    if (orders === 0) throw new Error('the load driver drove no order: the load figures measure nothing');
    if (over.length > 0) console.log(`over the ceiling: ${over.map((m) => `${m.name} ${m.ours} MiB`).join(', ')}`);
  } catch (error) {
    console.error(stack.logs());
    throw error;
  } finally {
    if (console_) await stopService(console_);
    await stack.stop();
    await market.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
