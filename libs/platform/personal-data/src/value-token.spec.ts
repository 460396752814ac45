import { randomBytes } from 'node:crypto';
import { SealingKeys } from './sealing-keys';
import { isValueToken, openValueToken, sealValueToken } from './value-token';

describe('value tokens', () => {
  const key = randomBytes(32);

  it('round-trips a small value as an opaque string with no trace of it', () => {
    const token = sealValueToken(key, 'order-1', { lat: 55.7512443, lon: 37.6184231 });
    expect(token).toMatch(/^pd1\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('55.75');
    expect(isValueToken(token)).toBe(true);
    expect(openValueToken(key, 'order-1', token)).toEqual({ lat: 55.7512443, lon: 37.6184231 });
    expect(sealValueToken(key, 'order-1', { lat: 55.7512443 })).not.toBe(sealValueToken(key, 'order-1', { lat: 55.7512443 })); // fresh IV
  });

  it('refuses a token moved to another subject, opened with another key, tampered with or not a token at all', () => {
    const token = sealValueToken(key, 'order-1', { lat: 1, lon: 2 });
    expect(() => openValueToken(key, 'order-2', token)).toThrow();
    expect(() => openValueToken(randomBytes(32), 'order-1', token)).toThrow();
    const bytes = Buffer.from(token.slice(4), 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(() => openValueToken(key, 'order-1', `pd1.${bytes.toString('base64url')}`)).toThrow();
    expect(() => openValueToken(key, 'order-1', 'pd1.AAAA')).toThrow(/too short/);
    expect(() => openValueToken(key, 'order-1', '55.1,37.2')).toThrow(/not a personal-data value token/);
    expect(isValueToken({ lat: 1 })).toBe(false);
  });
});

describe('the sealing-key cache', () => {
  it('keeps the most recently used subjects up to its bound, and forgets an erased one', () => {
    const keys = new SealingKeys(2);
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    keys.remember('a', a);
    keys.remember('b', b);
    expect(keys.get('a')).toEqual(a); // a is now the most recent: b goes first
    keys.remember('c', c);
    expect([keys.get('a'), keys.get('b'), keys.get('c'), keys.size]).toEqual([a, undefined, c, 2]);
    const cachedA = keys.get('a');
    keys.forget('a');
    expect(keys.get('a')).toBeUndefined();
    expect(cachedA?.equals(Buffer.alloc(32))).toBe(true); // its copy wiped, not only dropped
    expect(a.equals(Buffer.alloc(32))).toBe(false); // the caller's key untouched
  });

  it('drops a sealing key the database has not confirmed for its maximum age', () => {
    let now = 0;
    const keys = new SealingKeys(10, 1000, () => now);
    const a = randomBytes(32);
    keys.remember('a', a);
    now = 1000;
    expect(keys.get('a')).toEqual(a);
    keys.remember('a', a); // read again from the database: confirmed anew
    now = 2000;
    const held = keys.get('a');
    expect(held).toEqual(a);
    now = 2001;
    expect(keys.get('a')).toBeUndefined();
    expect(held?.equals(Buffer.alloc(32))).toBe(true); // the expired copy is wiped
    expect(keys.size).toBe(0);
  });
});
