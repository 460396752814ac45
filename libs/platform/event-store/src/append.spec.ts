import { defaultStreamType, prepareAppend } from './append';
import { appendSql } from './append-sql';
import { InvalidAppend } from './errors';
import { compileSql, bind } from './sql-template';

const now = new Date('2025-03-04T05:06:07.089Z');
const v1 = () => 1;

describe('prepareAppend', () => {
  it('fills ids, times and schema versions, and builds the statement payload', () => {
    const prepared = prepareAppend('order-1', 'any', [{ type: 'A', data: { b: 1, a: [2] } }], {}, () => 3, now);
    expect(prepared.kind).toBe('any');
    expect(prepared.streamType).toBe('order');
    const [event] = prepared.events;
    expect(event).toMatchObject({ type: 'A', schemaVersion: 3, occurredAt: now, metadata: {} });
    expect(JSON.parse(prepared.eventsJson)).toEqual([{ i: event.eventId, t: 'A', v: 3, o: now.toISOString(), d: { a: [2], b: 1 }, m: {} }]);
    expect(prepared.contents).toHaveLength(1);
    expect(prepared.fingerprint).toBeNull();
  });

  it('maps expected versions', () => {
    expect(prepareAppend('s', 0, [], {}, v1, now).kind).toBe('no_stream');
    expect(prepareAppend('s', 'no_stream', [], {}, v1, now).kind).toBe('no_stream');
    expect(prepareAppend('s', 4, [], {}, v1, now)).toMatchObject({ kind: 'version', expectedNumber: 4 });
    for (const bad of [-1, 1.5, 'latest']) {
      expect(() => prepareAppend('s', bad as never, [], {}, v1, now)).toThrow(InvalidAppend);
    }
  });

  it('fingerprints the request without ids, times or metadata', () => {
    const a = prepareAppend('s', 'any', [{ type: 'A', data: { x: 1 }, metadata: { actor: 'u1' } }], { idempotencyKey: 'k' }, v1, now);
    const b = prepareAppend('s', 'any', [{ type: 'A', data: { x: 1 }, occurredAt: new Date(0) }], { idempotencyKey: 'k' }, v1, new Date());
    const c = prepareAppend('s', 'any', [{ type: 'A', data: { x: 2 } }], { idempotencyKey: 'k' }, v1, now);
    const d = prepareAppend('t', 'any', [{ type: 'A', data: { x: 1 } }], { idempotencyKey: 'k' }, v1, now);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(a.fingerprint).not.toBe(d.fingerprint);
    expect(prepareAppend('s', 'any', [], { idempotencyKey: 'k', requestFingerprint: 'mine' }, v1, now).fingerprint).toBe('mine');
  });

  it('refuses bad input before the database', () => {
    expect(() => prepareAppend('', 'any', [], {}, v1, now)).toThrow(/stream id/);
    expect(() => prepareAppend('s', 'any', [{ type: '', data: 1 }], {}, v1, now)).toThrow(/needs a type/);
    expect(() => prepareAppend('s', 'any', [{ type: 'A', data: 1, eventId: 'nope' }], {}, v1, now)).toThrow(/not a UUID/);
    expect(() => prepareAppend('s', 'any', [{ type: 'A', data: 1, occurredAt: 'never' }], {}, v1, now)).toThrow(/occurredAt/);
    expect(() => prepareAppend('s', 'any', [{ type: 'A', data: 1, schemaVersion: 0 }], {}, v1, now)).toThrow(/schema version/);
  });

  it('derives the stream type from the id prefix', () => {
    expect(defaultStreamType('delivery-42')).toBe('delivery');
    expect(defaultStreamType('cancellation:7')).toBe('cancellation');
    expect(defaultStreamType('plain')).toBe('default');
  });
});

describe('SQL templates', () => {
  it('turns :names into positional parameters and leaves casts alone', () => {
    const sql = compileSql<'a' | 'b'>('n', 'SELECT :a::int, :b::text, :a::int, $$x$$::text');
    expect(sql.text).toBe('SELECT $1::int, $2::text, $1::int, $$x$$::text');
    expect(bind(sql, { a: 1, b: 'x' }, true)).toEqual({ name: 'n', text: sql.text, values: [1, 'x'] });
    expect(() => bind(sql, { a: 1 }, false)).toThrow(/needs a value for :b/);
  });

  it('builds every append variant with the guard before any write', () => {
    for (const kind of ['version', 'any', 'no_stream'] as const) {
      for (const withKey of [false, true]) {
        const sql = appendSql('event_store', kind, withKey);
        expect(sql.text).toContain('pg_current_xact_id_if_assigned() IS NULL AS first_write');
        expect(sql.name.length).toBeLessThan(63);
        expect(sql.names).toContain('events');
        expect(sql.names.includes('key')).toBe(withKey);
      }
    }
  });
});
