import { eventStoreContract } from './event-store.contract';
import { MemoryEventStore } from './memory-event-store';

// The in-memory store passes the same contract cases as the PostgreSQL store (event-store.int-spec.ts).
describe('MemoryEventStore contract', () => {
  const store = new MemoryEventStore(() => Date.parse('2026-03-02T07:00:00Z'));
  let n = 0;
  eventStoreContract(() => store, () => String(++n));
});
