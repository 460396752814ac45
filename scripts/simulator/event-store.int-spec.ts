import { randomUUID } from 'node:crypto';
import { createTestEventStore, type TestEventStore } from '@orders/event-store/testing';
import { eventStoreContract } from './event-store.contract';

// The same contract cases against the real PostgreSQL EventStore, so the simulator's store stays its twin.
describe('EventStore (PostgreSQL) contract', () => {
  let fixture: TestEventStore;
  beforeAll(async () => {
    fixture = await createTestEventStore({ prefix: 'sim_contract', poolSize: 4 });
  });
  afterAll(async () => {
    await fixture?.drop();
  });
  eventStoreContract(() => fixture.store, () => randomUUID().slice(0, 8));
});
