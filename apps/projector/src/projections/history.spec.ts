import { findMessage, validatePayload } from '@orders/contracts';
import { syntheticHistory } from './history';

describe('synthetic history', () => {
  it('is deterministic and satisfies the published contracts', () => {
    const events = syntheticHistory(30);
    expect(syntheticHistory(30)).toEqual(events);
    for (const event of events) {
      const definition = findMessage(event.topic, event.type, event.schemaVersion);
      expect(definition && validatePayload(definition, event.payload)).toEqual([]);
    }
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(10);
  });
});
