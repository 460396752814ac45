import { encodeMessage, externalOrderAcceptedV1, marketplaceOrderCancelledV1 } from '@orders/contracts';
import { inboundDecoder } from './inbound-decoder';

const decode = inboundDecoder({ canonical: (topic: string) => topic.replace(/^test\./, '') });
const envelope = { eventId: 'evt-1', occurredAt: '2026-11-23T10:00:00Z' };
const raw = (message: ReturnType<typeof encodeMessage>, topic = `test.${message.topic}`) => ({
  topic, partition: 0, offset: '0', key: message.key, value: Buffer.from(message.value), headers: message.headers, timestamp: '0',
});

describe('courier-tracking inbound decoder', () => {
  it('takes an accepted order whose id is a UUID, as the HTTP API does', () => {
    const decoded = decode(raw(encodeMessage(externalOrderAcceptedV1, externalOrderAcceptedV1.example, envelope)));
    expect(decoded).toMatchObject({ ok: true, type: 'ExternalOrderAccepted' });
  });

  it('refuses a delivery id that is not a UUID as invalid, with the reason', () => {
    const payload = { ...externalOrderAcceptedV1.example, orderId: 'order-1' };
    const message = encodeMessage(externalOrderAcceptedV1, payload, envelope);
    expect(decode(raw(message))).toEqual({ ok: false, classification: 'invalid', reason: expect.stringMatching(/orderId.*UUID/) });
  });

  it('leaves other types to the catalogue', () => {
    const decoded = decode(raw(encodeMessage(marketplaceOrderCancelledV1, marketplaceOrderCancelledV1.example, envelope)));
    expect(decoded).toMatchObject({ ok: true, type: 'MarketplaceOrderCancelled' });
  });
});
