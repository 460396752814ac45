import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { EventStore, type RecordedEvent } from '../src';
import { EventStoreModule, EventStoreSubscriptions } from '../nest';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '../testing';
import { counterDecider, meta, waitFor } from './fixtures';

const schema = `es_nest_${randomBytes(4).toString('hex')}`;
const seen: RecordedEvent[] = [];

@Injectable()
class CounterProjection implements OnModuleInit {
  constructor(private readonly subscriptions: EventStoreSubscriptions) {}
  onModuleInit(): void {
    this.subscriptions.register('counter-projection', async (events) => { seen.push(...events); }, { pollIntervalMs: 100 });
  }
}

@Module({ providers: [CounterProjection] })
class FeatureModule {}

beforeAll(() => ensureTestDatabase());
afterAll(() => dropSchema(testDatabaseUrl(), schema));

describe('EventStoreModule', () => {
  it('migrates on start-up, injects the store, runs subscriptions and closes on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        EventStoreModule.forRootAsync({ useFactory: async () => ({ connection: testDatabaseUrl(), schema }) }),
        FeatureModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const store = app.get(EventStore);
    try {
      const handler = store.commandHandler({ decider: counterDecider, streamType: 'counter' });
      await handler.handle('counter-nest', { type: 'Open', data: { limit: 3 }, metadata: meta() });
      await waitFor(() => seen.length === 1, 'the projection to see the event');
      expect(seen[0]).toMatchObject({ streamId: 'counter-nest', type: 'Opened' });
      expect(await store.subscriptionStatus('counter-projection')).toMatchObject({ leaseOwner: expect.any(String) });
    } finally {
      await app.close();
    }
    expect(store.pool.totalCount).toBe(0); // pool ended
    await expect(store.append('counter-nest', 'any', [{ type: 'Late', data: {} }])).rejects.toThrow('event store is closed');
  });
});
