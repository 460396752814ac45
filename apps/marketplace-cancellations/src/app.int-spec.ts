import { randomBytes } from 'node:crypto';
import { describeServiceShell } from '@orders/service-kit/testing';
import { marketplaceCancellationsService } from './marketplace-cancellations.definition';

// The shell boots the module as the specs do (its Kafka transport is provided, not started: main.ts starts it), on
// topics and a group of its own (under a prefix) in case it is.
const own = { TOPIC_PREFIX: `shell-${randomBytes(4).toString('hex')}.` };
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
