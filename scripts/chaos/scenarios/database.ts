import { ADMIN_URL } from '../stack';
import { HealthWatch } from '../health';
import type { Scenario } from '../run';
import { TcpProxy } from '../tcp-proxy';

/**
 * PostgreSQL gone under load, as a crash or restart looks from the services: the proxy between them and the server
 * drops every connection and refuses new ones for the outage, then lets them through again. The services must answer
 * /health 503 meanwhile and recover without a restart; no acknowledged command may be lost.
 */
export function databaseScenario(): Scenario {
  let proxy: TcpProxy | undefined;
  let health: Record<string, Record<string, number>> = {};
  let restartsBefore = 0;
  let restartsAfter = 0;
  return {
    name: 'database',
    kinds: ['finish', 'reject', 'cancel', 'expire'],
    expireWithinMs: [5_000, 20_000],
    async prepare() {
      const admin = new URL(ADMIN_URL);
      const own = new TcpProxy(admin.hostname, Number(admin.port || 5432));
      await own.start();
      proxy = own;
      const base = new URL(ADMIN_URL);
      base.hostname = '127.0.0.1';
      base.port = String(own.port);
      return { stack: { serviceDatabaseBase: base.toString() }, teardown: () => own.stop() };
    },
    async faults({ stack, random, options, fault, sleep }) {
      if (!proxy) throw new Error('the database scenario was not prepared');
      await sleep(3_000 + random.int(4_000));
      restartsBefore = stack.instances.filter((instance) => !instance.running).length;
      const watch = new HealthWatch(stack);
      watch.start();
      await proxy.cut();
      fault(`PostgreSQL cut off (connections dropped, new ones refused) for ${options.outageSeconds} s`);
      await sleep(options.outageSeconds * 1000);
      await proxy.restore();
      fault('PostgreSQL reachable again');
      // The services must come back on their own: health watched until every instance answers 200 again.
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && !(await allHealthy(stack.instances.map((instance) => instance.url)))) await sleep(500);
      health = await watch.stop();
      restartsAfter = stack.instances.filter((instance) => !instance.running).length;
      fault(restartsAfter === 0 ? 'every service healthy again without a restart' : `${restartsAfter} service(s) exited`);
    },
    figures: () => ({ healthDuringOutage: health, exitedBefore: restartsBefore, exitedAfter: restartsAfter }),
  };
}

async function allHealthy(urls: string[]): Promise<boolean> {
  const answers = await Promise.all(urls.map((url) => fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
    .then((response) => response.status === 200, () => false)));
  return answers.every(Boolean);
}
