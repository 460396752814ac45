import type { EventStore } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';

let fixture: TestEventStore;
let store: EventStore;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'opsviews' });
  store = fixture.store;
}, 60_000);

afterAll(async () => {
  await fixture?.drop();
});

describe('the read views behind the services\' /ops routes', () => {
  it('names an order\'s streams by the order id without the stream prefix, and a stream by its own id', async () => {
    await store.append('external_order-o1', 'no_stream', [{ type: 'Opened', data: {} }]);
    await store.append('delivery-o1', 'no_stream', [{ type: 'Opened', data: {} }]);
    await store.append('delivery-xo1', 'no_stream', [{ type: 'Opened', data: {} }]);
    expect(await store.streamsNamed('o1')).toEqual(['delivery-o1', 'external_order-o1']);
    expect(await store.streamsNamed('delivery-o1')).toEqual(['delivery-o1']);
    expect(await store.streamsNamed('nothing')).toEqual([]);
  });

  it('shows a subscription\'s checkpoint, how far behind it is and its lease holder', async () => {
    const seen: string[] = [];
    const subscription = store.subscribe('ops-view-reader', async (events) => { seen.push(...events.map((e) => e.streamId)); });
    await subscription.start();
    try {
      const deadline = Date.now() + 30_000;
      let row = (await store.subscriptionOverview()).find((s) => s.name === 'ops-view-reader');
      while (row?.behind !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
        row = (await store.subscriptionOverview()).find((s) => s.name === 'ops-view-reader');
      }
      expect(row).toMatchObject({ behind: 0, leaseOwner: expect.any(String) });
      expect(seen).toHaveLength(3);
    } finally {
      await subscription.stop();
    }
    await store.append('external_order-o2', 'no_stream', [{ type: 'Opened', data: {} }]);
    const after = (await store.subscriptionOverview()).find((s) => s.name === 'ops-view-reader');
    expect(after).toMatchObject({ behind: 1, leaseOwner: null });
  });
});
