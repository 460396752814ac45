import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createServiceApp, ManualClock } from '@orders/service-kit';
import { Client, Pool } from 'pg';
import { marketplaceCancellationsApp } from '../../apps/marketplace-cancellations/src/app.module';
import { median } from '../lib/report';
import { startBareEndpoint } from './bare-endpoint';
import type { LoadResult } from './load';

// `node -r @swc-node/register bench/cancellations/shell-cost.ts [--requests N] [--rounds R]`: what one notification
// costs the service's own process, in CPU µs per request, next to the throughput. The load runs in a child process
// (load-child.ts), so process.cpuUsage() around a round is the service's (or the bare endpoint's) alone: a figure a
// busy machine disturbs far less than requests per second. Rounds alternate ours, the bare endpoint and PING.

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlOf = (database: string): string => Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

const statusBodies = (count: number, offset: number): string[] =>
  Array.from({ length: count }, (_, i) => JSON.stringify({
    notificationType: 'ORDER_STATUS_UPDATED', campaignId: 21, orderId: offset + i, status: 'DELIVERY', substatus: 'DELIVERY_SERVICE_RECEIVED',
    updatedAt: new Date(T0 + i).toISOString(),
  }));

async function main(): Promise<void> {
  const requests = argument('requests', 3000);
  const rounds = argument('rounds', 3);
  const database = `marketplace_shell_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${database}"`);
  Object.assign(process.env, {
    MARKETPLACE_DATABASE_URL: urlOf(database), LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    CANCELLATION_WORKERS: 'off', MARKETPLACE_KAFKA: 'off', MARKET_NOTIFICATION_SOURCES: '127.0.0.1,::1',
    MARKET_API_URL: 'http://127.0.0.1:9', MARKET_CAMPAIGNS: JSON.stringify({ 21: { apiKey: 'shell-cost-key' } }),
  });
  const app = await createServiceApp(marketplaceCancellationsApp({ clock: new ManualClock(new Date(T0)) }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const pool = new Pool({ connectionString: urlOf(database), max: 20 });
  const bare = await startBareEndpoint(pool);
  const child = fork(join(__dirname, 'load-child.ts'), [], { execArgv: ['-r', '@swc-node/register'] });
  const load = (target: number, path: string, bodies: string[]): Promise<LoadResult & { cpuUs: number }> =>
    new Promise((resolve, reject) => {
      const before = process.cpuUsage();
      child.once('message', (result: LoadResult & { error?: string }) => {
        const used = process.cpuUsage(before);
        if (result.error) reject(new Error(result.error));
        else resolve({ ...result, cpuUs: (used.user + used.system) / result.requests });
      });
      child.send({ port: target, path, bodies, concurrency: 32 });
    });
  try {
    await load(port, '/notification', statusBodies(500, 1));
    await load(bare.port, '/', statusBodies(500, 1));
    const pings = Array.from({ length: requests }, () => JSON.stringify({ notificationType: 'PING', time: new Date(T0).toISOString() }));
    const figures: Record<'ours' | 'bare' | 'ping', { perSecond: number; cpuUs: number; failures: number }[]> = { ours: [], bare: [], ping: [] };
    // `--paths ping` (a comma list) measures only those: quicker, when comparing the shell alone.
    const paths = process.argv.includes('--paths') ? process.argv[process.argv.indexOf('--paths') + 1].split(',') : ['ours', 'bare', 'ping'];
    for (let round = 0; round < rounds; round++) {
      if (paths.includes('ours')) figures.ours.push(await load(port, '/notification', statusBodies(requests, 1_000_000 + round * requests)));
      if (paths.includes('bare')) figures.bare.push(await load(bare.port, '/', statusBodies(requests, 1_000_000 + round * requests)));
      if (paths.includes('ping')) figures.ping.push(await load(port, '/notification', pings));
    }
    console.log('| path | req/s (median) | CPU µs/req (median) | failures |\n|---|---:|---:|---:|');
    for (const [name, results] of Object.entries(figures).filter(([, results]) => results.length > 0)) {
      const failures = results.reduce((sum, r) => sum + r.failures, 0);
      console.log(`| ${name} | ${median(results.map((r) => r.perSecond)).toFixed(0)} | ${median(results.map((r) => r.cpuUs)).toFixed(0)} | ${failures} |`);
    }
  } finally {
    child.kill();
    await bare.close();
    await app.close();
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
