import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventStore } from '@orders/event-store';
import { createServiceApp, ManualClock } from '@orders/service-kit';
import { Client, Pool } from 'pg';
import { marketplaceCancellationsApp } from '../../apps/marketplace-cancellations/src/app.module';
import { CancellationTimers } from '../../apps/marketplace-cancellations/src/expire-cancellations/cancellation-timers';
import { machine, median, metric, percentile, report, type Metric } from '../lib/report';
import { PeakResident, residentMiB } from '../lib/service-process';
import { profiledIfAsked } from '../lib/timed-profile';
import { startBareEndpoint } from './bare-endpoint';
import { runLoad, type LoadResult } from './load';
import { fireRawTimers, seedPendingRequests } from './timers';
import { SimulatedMarket } from '@orders/simulated-market';
import { BENCH_CAMPAIGNS, MARKET_BENCH_KEY, decisionsToMarket } from './decisions-to-market';

// `npm run bench -- cancellations [--notifications N] [--timers N] [--decisions N]`
// notifications_http: POST /notification (source check, Market's schema, dedup key, one INSERT into the inbox) vs a bare endpoint
//   doing one raw INSERT, both with 32 concurrent keep-alive clients.
// timers: N due deadlines fired by two claimers (each claimed batch: one read of its orders, the decider per order,
//   one append of every order's events) vs a raw SELECT … FOR UPDATE SKIP LOCKED + UPDATE loop, also two claimers.
// decisions_to_market: N decisions through the command path and the outbox to the simulated Market vs a raw client
//   driving the same simulator at the same limits (decisions-to-market.ts); p99 from decision to Market's 200.

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};

const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlOf = (database: string): string => Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

const CONCURRENCY = 32;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

function statusBodies(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify({
    notificationType: 'ORDER_STATUS_UPDATED', campaignId: 21, orderId: offset + i, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED',
    updatedAt: new Date(T0 + i).toISOString(),
  }));
}

async function notificationsHttp(app: NestExpressApplication, pool: Pool, count: number): Promise<Metric[]> {
  const { port } = app.getHttpServer().address() as { port: number };
  const bare = await startBareEndpoint(pool);
  try {
    const warm = 1000;
    await runLoad(port, '/notification', {}, statusBodies(warm, 1), CONCURRENCY);
    await runLoad(bare.port, '/', {}, statusBodies(warm, 1), CONCURRENCY);
    // Rounds alternate ours, the baseline and PING (the floor of the service shell itself: auth, ids, metrics,
    // logging, envelope; it stores nothing), so a busy neighbour on the machine weighs on all three alike.
    const rounds = 3;
    const per = Math.ceil(count / rounds);
    const ours: LoadResult[] = [];
    const baseline: LoadResult[] = [];
    const ping: LoadResult[] = [];
    const pings = Array.from({ length: per }, () => JSON.stringify({ notificationType: 'PING', time: new Date(T0).toISOString() }));
    for (let round = 0; round < rounds; round++) {
      ours.push(await runLoad(port, '/notification', {}, statusBodies(per, 1_000_000 + round * per), CONCURRENCY));
      baseline.push(await runLoad(bare.port, '/', {}, statusBodies(per, 1_000_000 + round * per), CONCURRENCY));
      ping.push(await runLoad(port, '/notification', {}, pings, CONCURRENCY));
    }
    const rate = (results: LoadResult[]) => median(results.map((r) => r.perSecond));
    const p99 = (results: LoadResult[]) => percentile(results.flatMap((r) => r.latenciesMs), 99).toFixed(1);
    const failures = [...ours, ...baseline, ...ping].reduce((sum, r) => sum + r.failures, 0);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM market_notifications`);
    if (failures > 0 || rows[0].n !== warm + rounds * per) {
      throw new Error(`notifications_http: ${failures} failures, ${rows[0].n} stored of ${warm + rounds * per}`);
    }
    return [
      metric('notifications_http', 'notifications/s', rate(ours), rate(baseline), 'bare node:http + one raw INSERT', {
        goal: 'high', notes: `median of ${rounds} rounds of ${per}, ${CONCURRENCY} clients; p99 ${p99(ours)} ms vs ${p99(baseline)} ms`,
      }),
      metric('notifications_http_ping', 'notifications/s', rate(ping), rate(baseline), 'bare node:http + one raw INSERT', {
        goal: 'high', notes: 'PING through the same endpoint: the Nest shell alone, no database write, for scale',
      }),
    ];
  } finally {
    await bare.close();
  }
}

async function timers(app: NestExpressApplication, pool: Pool, clock: ManualClock, count: number): Promise<Metric[]> {
  await seedPendingRequests(app.get(EventStore), pool, count, T0);
  clock.set(new Date(T0 + 49 * 3_600_000));
  const timersService = app.get(CancellationTimers);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const fired = await profiledIfAsked('timers', async () =>
    (await Promise.all([timersService.fireDue(), timersService.fireDue()])).reduce((a, b) => a + b, 0));
  const ours = Number(process.hrtime.bigint() - started) / 1e9;
  // The bench process's CPU over the timed part (claimers and the service's subscriptions; not PostgreSQL's), the
  // steadier figure on a shared machine.
  const { user, system } = process.cpuUsage(cpuBefore);
  const cpuMsPerHundred = ((user + system) / 1000 / count) * 100;
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type = 'CancellationAutoAccepted'`);
  if (fired !== count || rows[0].n !== count) throw new Error(`timers: fired ${fired}, ${rows[0].n} auto-accepted of ${count}`);
  const baseline = await fireRawTimers(pool, count);
  return [
    metric('timers', 'deadlines/s', count / ours, count / baseline, 'raw SELECT … FOR UPDATE SKIP LOCKED + UPDATE loop', {
      goal: 'high', notes: `${count} due deadlines, 2 claimers, batches of 100; ours appends CancellationAutoAccepted + MarketplaceOrderCancelled per deadline; ${cpuMsPerHundred.toFixed(1)} CPU ms of the bench process per 100 deadlines`,
    }),
  ];
}

async function main(): Promise<void> {
  const notifications = argument('notifications', 20_000);
  const timerCount = argument('timers', 100_000);
  const decisions = argument('decisions', 5_000);
  // Market's limits on both sides: 4 in flight per campaign (Market's global limit), and an hourly budget the bench
  // cannot reach (Market's 500 an hour would measure the budget, not the path).
  // (At least 1: a run without the decisions part still starts the service, whose config refuses 0.)
  const perHour = String(Math.max(1, decisions) * 4);
  const market = new SimulatedMarket({
    campaigns: Object.fromEntries(BENCH_CAMPAIGNS.map((c) => [String(c), MARKET_BENCH_KEY])),
    limits: { acceptOrderCancellation: { perHour: Number(perHour) } },
    latencyMs: 2,
  });
  await market.listen();
  const database = `marketplace_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${database}"`);
  Object.assign(process.env, {
    MARKETPLACE_DATABASE_URL: urlOf(database), LOG_LEVEL: 'silent',
    CANCELLATION_WORKERS: 'off', MARKETPLACE_KAFKA: 'off',
    // Market sends notifications from its own ranges; the load comes from this machine.
    MARKET_NOTIFICATION_SOURCES: '127.0.0.1,::1',
    MARKET_API_URL: market.url,
    MARKET_CAMPAIGNS: JSON.stringify(Object.fromEntries(BENCH_CAMPAIGNS.map((c) => [c, { apiKey: MARKET_BENCH_KEY }]))),
    MARKET_DECISIONS_PER_HOUR: perHour,
    MARKET_OUTBOX_BATCH: '64',
  });
  const clock = new ManualClock(new Date(T0));
  const app = await createServiceApp(marketplaceCancellationsApp({ clock }));
  await app.listen(0, '127.0.0.1');
  const pool = new Pool({ connectionString: urlOf(database), max: 20 });
  try {
    const { rows } = await pool.query(`SELECT current_setting('server_version') AS v`);
    // The service runs in this process (with the load generator and the bare endpoint): its figures bound the
    // service's own from above.
    const idleMiB = residentMiB(process.pid);
    const resident = new PeakResident({ service: () => process.pid }).start();
    const metrics = [
      // A count of 0 leaves a part out (a smoke run of one part).
      ...(notifications > 0 ? await notificationsHttp(app, pool, notifications) : []),
      ...(timerCount > 0 ? await timers(app, pool, clock, timerCount) : []),
      ...(decisions > 0 ? await decisionsToMarket(app, pool, market, decisions, clock) : []),
    ];
    const loadMiB = resident.stop().get('service') ?? 0;
    metrics.push(
      metric('resident memory idle', 'MiB', idleMiB, 150, 'goal ceiling', {
        goal: '<= 150', notes: 'RSS of the bench process right after the service listened (service in-process, upper bound)',
      }),
      metric('resident memory under load', 'MiB', loadMiB, 300, 'goal ceiling', {
        goal: '<= 300', notes: 'peak RSS sampled every 250 ms over the parts that ran (service in-process with the load, upper bound)',
      }),
    );
    report('cancellations', machine(`PostgreSQL ${rows[0].v}`, 'not used'), metrics);
  } finally {
    await app.close();
    await market.close();
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
