import { randomBytes } from 'node:crypto';
import { describeServiceShell } from '@orders/service-kit/testing';
import { marketplaceCancellationsService } from './marketplace-cancellations.definition';

// The shell boots the module as the specs do (its Kafka transport is provided, not started: main.ts starts it), on
// topics and a group of its own in case it is.
const run = randomBytes(4).toString('hex');
const own = {
  MARKETPLACE_CONSUMER_GROUP: `shell-${run}`,
  MARKETPLACE_NOTIFICATIONS_TOPIC: `shell-${run}.marketplace.notifications.v1`,
  COURIER_DELIVERY_EVENTS_TOPIC: `shell-${run}.courier.delivery-events.v1`,
  MARKETPLACE_CANCELLATION_EVENTS_TOPIC: `shell-${run}.marketplace.cancellation-events.v1`,
};
const before = Object.fromEntries(Object.keys(own).map((name) => [name, process.env[name]]));

beforeAll(() => {
  Object.assign(process.env, own);
});

afterAll(() => {
  for (const [name, value] of Object.entries(before)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describeServiceShell(marketplaceCancellationsService, async () => (await import('./app.module')).AppModule);
