import type { Scenario } from '../run';
import { SERVICE_NAMES } from '../stack';

/**
 * Each service in turn SIGKILLed at a random moment of the load (no shutdown hook, no offset commit, no lease
 * released), left down a random while, and restarted; round after round until the load is done.
 */
export const killScenario: Scenario = {
  name: 'kill',
  kinds: ['finish', 'reject', 'cancel', 'expire'],
  // Deadlines that fall due while the services are being killed.
  expireWithinMs: [5_000, 30_000],
  async faults({ stack, random, loadDone, fault, sleep }) {
    for (let round = 0; !loadDone(); round++) {
      const service = SERVICE_NAMES[round % SERVICE_NAMES.length];
      await sleep(1_000 + random.int(4_000));
      if (loadDone()) break;
      const [instance] = stack.of(service);
      await instance.kill();
      fault(`SIGKILL ${instance.id}`);
      await sleep(200 + random.int(2_000));
      await instance.restart();
      fault(`${instance.id} restarted and healthy`);
    }
  },
};
