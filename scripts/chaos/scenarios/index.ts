import type { Scenario } from '../run';
import { brokerScenario } from './broker';
import { databaseScenario } from './database';
import { killScenario } from './kill';
import { replicasScenario } from './replicas';
import { timersScenario } from './timers';

/** The scenarios in the order the issue names them; `npm run chaos -- <name>`. */
export const SCENARIOS: Record<string, Scenario> = {
  kill: killScenario,
  broker: brokerScenario(),
  database: databaseScenario(),
  timers: timersScenario(),
  replicas: replicasScenario,
};
