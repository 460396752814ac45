import type { Scenario } from '../run';
import { SERVICE_NAMES } from '../stack';

/**
 * Two instances of every service side by side on the same databases and consumer groups (relays single-active by
 * their lease, consumers sharing the partitions, timers and notifications claimed with SKIP LOCKED, Market's limits
 * shared in the database), the load spread over both; mid-run one instance of each service is SIGKILLed and stays
 * down, so its partitions, leases and claimed rows must pass to the survivor.
 */
export const replicasScenario: Scenario = {
  name: 'replicas',
  kinds: ['finish', 'reject', 'cancel', 'expire'],
  expireWithinMs: [3_000, 20_000],
  replicas: 2,
  async faults({ stack, random, options, fault, sleep }) {
    await sleep(Math.max(2_000, (options.seconds * 1000) / 3) + random.int(3_000));
    for (const service of SERVICE_NAMES) {
      const victim = random.pick(stack.of(service));
      await victim.kill();
      fault(`SIGKILL ${victim.id} (its twin carries on alone)`);
      await sleep(random.int(1_500));
    }
  },
};
