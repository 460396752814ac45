import { accepted, cancellationRejected, deliveryCreated, deliveryFinished, received } from './fixtures';
import type { TimelineEntry } from '@orders/read-model-protocol';
import { actorOf, causalOrder, sourceOf } from './timeline';
import type { IntegrationEvent } from './integration-event';

const entry = (event: IntegrationEvent, position: number): TimelineEntry => ({
  eventId: event.eventId,
  type: event.type,
  source: sourceOf(event),
  actor: actorOf(event),
  occurredAt: event.occurredAt,
  causationId: event.causationId,
  correlationId: event.correlationId,
  position: String(position),
});

describe('order timeline', () => {
  it('names the source service and the actor of each event', () => {
    expect(
      [received(), accepted(), deliveryFinished(), cancellationRejected()].map((e) => [sourceOf(e), actorOf(e)]),
    ).toEqual([
      ['intake', 'system'],
      ['intake', 'operator-7'],
      ['courier-tracking', 'initiator:yandex'],
      ['marketplace-cancellations', 'policy:delivery-finished'],
    ]);
  });

  it('orders by occurrence time, then arrival', () => {
    const a = received({ occurredAt: '2026-11-23T10:00:00.000Z' });
    const b = accepted({ occurredAt: '2026-11-23T10:00:00.000Z' });
    const c = deliveryCreated({ occurredAt: '2026-11-23T09:59:00.000Z' });
    expect(causalOrder([entry(b, 2), entry(a, 1), entry(c, 3)]).map((e) => e.type)).toEqual([
      'DeliveryCreated',
      'ExternalOrderReceived',
      'ExternalOrderAccepted',
    ]);
  });

  it('never puts an effect before its cause, even when the clocks disagree', () => {
    const cause = accepted({ occurredAt: '2026-11-23T10:00:05.000Z' });
    // courier-tracking's clock is behind: its reaction is stamped earlier than the acceptance it reacts to.
    const effect = deliveryCreated({ occurredAt: '2026-11-23T10:00:01.000Z', causationId: cause.eventId });
    const later = deliveryFinished({ occurredAt: '2026-11-23T10:00:03.000Z', causationId: effect.eventId });
    expect(causalOrder([entry(later, 3), entry(effect, 2), entry(cause, 1)]).map((e) => e.type)).toEqual([
      'ExternalOrderAccepted',
      'DeliveryCreated',
      'DeliveryFinished',
    ]);
  });

  it('survives a causation cycle (corrupt data) by falling back to time order', () => {
    const a = received({ eventId: 'x', causationId: 'y' });
    const b = accepted({ eventId: 'y', causationId: 'x' });
    expect(causalOrder([entry(a, 1), entry(b, 2)])).toHaveLength(2);
  });
});
