import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { chainHash, contentHash, storedContentHash } from './hash-chain';

const event = {
  eventId: '01890a5d-ac96-774b-bcce-b302099a8057', streamId: 'order-1', type: 'OrderPlaced', schemaVersion: 2,
  occurredAt: '2025-01-01T00:00:00.000Z', dataJson: canonicalJson({ total: 5, items: ['a'] }), metadataJson: canonicalJson({ actor: 'x' }),
};

describe('hash chain', () => {
  it('hashes the canonical envelope of an event', () => {
    const envelope = canonicalJson({ data: { total: 5, items: ['a'] }, eventId: event.eventId, metadata: { actor: 'x' },
      occurredAt: event.occurredAt, schemaVersion: 2, streamId: 'order-1', type: 'OrderPlaced' });
    expect(contentHash(event)).toEqual(createHash('sha256').update(envelope).digest());
  });

  it('gives the same content hash for the event read back from the store', () => {
    expect(storedContentHash({ ...event, occurredAt: new Date(event.occurredAt), data: { items: ['a'], total: 5 }, metadata: { actor: 'x' } }))
      .toEqual(contentHash(event));
  });

  it('chains each hash to the previous one and to the version', () => {
    const content = contentHash(event);
    const first = chainHash(null, 1, content);
    const version = Buffer.alloc(8);
    version.writeBigInt64BE(1n);
    expect(first).toEqual(createHash('sha256').update(Buffer.concat([version, content])).digest());
    expect(chainHash(first, 2, content)).not.toEqual(chainHash(null, 2, content));
    expect(chainHash(first, 2, content)).not.toEqual(chainHash(first, 3, content));
    expect(contentHash({ ...event, dataJson: canonicalJson({ total: 6, items: ['a'] }) })).not.toEqual(content);
  });
});
