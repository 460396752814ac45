import { readDeclaredSettings } from '@orders/service-kit';
import { projectorService } from './projector.definition';
import { projectorSettings } from './settings';

const readProjectorSettings = (env: Record<string, string>) =>
  readDeclaredSettings(projectorService, projectorSettings, env);

describe('projector settings', () => {
  it('defaults to the catalogue topics and the projector group', () => {
    const settings = readProjectorSettings({});
    expect(settings.sourceTopics).toEqual([
      'intake.order-events.v1', 'courier.delivery-events.v1', 'marketplace.cancellation-events.v1',
    ]);
    expect(settings).toMatchObject({
      stateTopic: 'orders.state.v1', groupId: 'projector', schema: 'projector', outboxSchema: 'state_outbox',
    });
  });

  it('prefixes topics and the group like the other services, and maps them back for decoding', () => {
    const settings = readProjectorSettings({ TOPIC_PREFIX: 'staging.' });
    expect(settings.sourceTopics[0]).toBe('staging.intake.order-events.v1');
    expect(settings.stateTopic).toBe('staging.orders.state.v1');
    expect(settings.groupId).toBe('staging.projector');
    expect(settings.logicalTopic('staging.courier.delivery-events.v1')).toBe('courier.delivery-events.v1');
    expect(() => readProjectorSettings({ TOPIC_PREFIX: 'bad prefix' })).toThrow(/TOPIC_PREFIX/);
    expect(() => readProjectorSettings({ PROJECTOR_SCHEMA: 'x"; drop' })).toThrow(/PROJECTOR_SCHEMA/);
  });
});
