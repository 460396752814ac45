import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../run';

const PRELOAD = join(__dirname, '..', 'clock-shift.js');
const JUMP_MS = 15 * 60_000;

/**
 * The 48-hour cancellation deadlines (marketplace-cancellations' durable timers) falling due across a SIGKILL and
 * restart of the service, then the wall clock of every service jumping 15 minutes ahead and back again (a preload
 * shifts Date; SIGUSR2 makes it jump). Requests left to expire must be accepted exactly once; requests whose delivery
 * finished first must be rejected, their timer never firing a second decision.
 */
export function timersScenario(): Scenario {
  let dir = '';
  let clockFile = '';
  return {
    name: 'timers',
    kinds: ['expire', 'expire', 'reject'],
    expireWithinMs: [3_000, 25_000],
    async prepare() {
      dir = mkdtempSync(join(tmpdir(), 'orders-chaos-clock-'));
      clockFile = join(dir, 'offset-ms');
      writeFileSync(clockFile, '0');
      const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim();
      return {
        stack: { env: { NODE_OPTIONS: nodeOptions, CHAOS_CLOCK_FILE: clockFile } },
        teardown: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    async faults({ stack, random, fault, sleep }) {
      const jump = (offset: number, what: string) => {
        writeFileSync(clockFile, String(offset));
        for (const instance of stack.instances) instance.signal('SIGUSR2');
        fault(what);
      };
      await sleep(5_000 + random.int(3_000));
      const [marketplace] = stack.of('marketplace-cancellations');
      await marketplace.kill();
      fault(`SIGKILL ${marketplace.id} (deadlines fall due while it is down)`);
      await sleep(3_000 + random.int(3_000));
      await marketplace.restart();
      fault(`${marketplace.id} restarted and healthy`);
      await sleep(2_000 + random.int(2_000));
      jump(JUMP_MS, 'every service\'s clock jumped 15 min ahead');
      await sleep(4_000 + random.int(2_000));
      jump(0, 'every service\'s clock jumped back to the host\'s');
    },
  };
}
