import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker, type Broker } from '../../lib/kafka-broker';
import { freePort } from '../../../e2e/support/free-port';
import { HealthWatch } from '../health';
import type { Scenario } from '../run';

/**
 * The Kafka broker SIGKILLed under load and kept down for the outage (30 s in the long form), then started again on
 * its data: relays resume from their checkpoints, consumers from their committed offsets. The run has its own broker
 * on ports of its own: the shared broker of this machine is never touched.
 */
export function brokerScenario(): Scenario {
  let broker: Broker | undefined;
  let health: Record<string, Record<string, number>> = {};
  return {
    name: 'broker',
    kinds: ['finish', 'reject', 'cancel'],
    async prepare() {
      const dir = mkdtempSync(join(tmpdir(), 'orders-chaos-broker-'));
      const own = createBroker({ port: await freePort(), controllerPort: await freePort(), dir });
      broker = own;
      await own.up();
      return {
        stack: { brokers: own.brokers },
        teardown: async () => {
          await own.kill();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    async faults({ stack, random, options, fault, sleep }) {
      if (!broker) throw new Error('the broker scenario was not prepared');
      await sleep(3_000 + random.int(4_000));
      const watch = new HealthWatch(stack);
      watch.start();
      await broker.kill();
      fault(`Kafka broker SIGKILLed for ${options.outageSeconds} s`);
      await sleep(options.outageSeconds * 1000);
      await broker.up();
      fault('Kafka broker started again');
      health = await watch.stop();
    },
    figures: () => ({ healthDuringOutage: health }),
  };
}
