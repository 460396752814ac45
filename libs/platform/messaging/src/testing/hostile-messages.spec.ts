import { createInboundDecoder, envelopeProblem, externalOrderSubmittedV1, marketOrderCreatedV1, TOPIC } from '@orders/contracts';
import { hostileMessages, templateOf, validHeaders, type ValidTemplate } from './hostile-messages';

const decode = createInboundDecoder();

/** What the consumer runner would do with it: the envelope guard, then the catalogue decoder. */
function verdict(topic: string, message: { key: string; value: Buffer | null; headers: Record<string, unknown> }): string {
  const headers = message.headers as Parameters<typeof envelopeProblem>[0];
  if (envelopeProblem(headers) !== undefined) return 'malformed';
  const strings = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, String(value)]));
  const decoded = decode({ topic, key: message.key, headers: strings, value: message.value });
  return decoded.ok ? 'ok' : decoded.classification;
}

const templates: Array<[string, ValidTemplate]> = [
  [TOPIC.externalOrders, templateOf(externalOrderSubmittedV1, {}, { tenantId: ['a b', 'x'.repeat(129)] })],
  [TOPIC.marketplaceNotifications, templateOf(marketOrderCreatedV1, {}, { orderId: [1e21, 0, 2 ** 53], campaignId: [0, -1] })],
];

describe('generated hostile messages', () => {
  it.each(templates)('on %s: every one is refused with a classification its kind allows; the template itself passes', (topic, template) => {
    const valid = { key: template.key, value: Buffer.from(JSON.stringify(template.payload)), headers: validHeaders(template, 'evt-valid') };
    expect(verdict(topic, valid)).toBe('ok');
    const messages = hostileMessages(template, { count: 120, seed: 14, idPrefix: 'h' });
    const kinds = new Set(messages.map((message) => message.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(15);
    const wrong = messages
      .map((message) => ({ message, got: verdict(topic, message) }))
      .filter(({ message, got }) => !(message.expected as readonly string[]).includes(got))
      .map(({ message, got }) => `${message.id} ${message.kind}: ${got}`);
    expect(wrong).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    const [, template] = templates[0];
    const ids = (seed: number) => hostileMessages(template, { count: 40, seed, idPrefix: 'h' }).map((m) => `${m.kind}:${m.value?.length}`);
    expect(ids(14)).toEqual(ids(14));
    expect(ids(14)).not.toEqual(ids(15));
  });
});
