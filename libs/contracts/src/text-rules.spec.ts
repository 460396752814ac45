import fc from 'fast-check';
import { HEADER } from './envelope';
import { isCompanyId, isMarketId, MAX_MARKET_ID } from './ids';
import { isCausedByContent, classifyFailure } from './retryable';
import { envelopeProblem, MAX_JSON_DEPTH, payloadProblem, readEnvelopeHeaders, strictText, textProblem } from './text-rules';

describe('text rules', () => {
  it('refuses control characters, lone surrogates and long text; accepts any other text', () => {
    expect(textProblem('evt-1')).toBeUndefined();
    expect(textProblem('заказ-😀')).toBeUndefined();
    expect(textProblem('a\u0000b')).toMatch(/control/);
    expect(textProblem('a\nb')).toMatch(/control/);
    expect(textProblem('a\u0085')).toMatch(/control/);
    expect(textProblem('\ud800x')).toMatch(/surrogate/);
    expect(textProblem('x\udc00')).toMatch(/surrogate/);
    expect(textProblem('x'.repeat(257))).toMatch(/longer/);
  });

  it('decodes bytes strictly (no replacement characters)', () => {
    expect(strictText(Buffer.from('événement'))).toEqual({ text: 'événement' });
    expect(strictText(Buffer.from([0xc3, 0x28]))).toEqual({ problem: 'not UTF-8 text' });
    expect(strictText(Buffer.from([0xed, 0xa0, 0x80]))).toEqual({ problem: 'not UTF-8 text' }); // an encoded surrogate
    expect(strictText(Buffer.alloc(2000, 0x61))).toEqual({ problem: 'longer than 256 characters' });
  });

  it('wants each envelope header exactly once; other headers are not judged', () => {
    const ok = readEnvelopeHeaders({ [HEADER.eventId]: [Buffer.from('evt-1')], 'x-binary': Buffer.from([0xff]) });
    expect(ok).toEqual({ strings: { [HEADER.eventId]: 'evt-1' }, problems: [] });
    expect(envelopeProblem({ [HEADER.eventType]: ['A', 'A'] })).toMatch(/event-type: sent 2 times/);
    expect(envelopeProblem({ [HEADER.eventType]: [] })).toMatch(/sent 0 times/);
    expect(envelopeProblem({ [HEADER.eventId]: Buffer.from([0x61, 0x00]) })).toMatch(/event-id: holds a control character/);
    expect(envelopeProblem(undefined)).toBeUndefined();
  });

  it('property: any header text with NUL is refused, any printable text up to the bound accepted', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (before, after) => {
      expect(envelopeProblem({ [HEADER.eventId]: `${before}\u0000${after}` })).toBeDefined();
    }), { seed: 14, numRuns: 200 });
    fc.assert(fc.property(fc.stringMatching(/^[\x20-\x7e]{1,256}$/), (text) => {
      expect(envelopeProblem({ [HEADER.correlationId]: Buffer.from(text) })).toBeUndefined();
    }), { seed: 14, numRuns: 200 });
  });

  it('property: the allocation-free envelopeProblem agrees with readEnvelopeHeaders on any bytes', () => {
    const value = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), fc.string({ unit: 'binary', maxLength: 300 }));
    fc.assert(fc.property(value, (header) => {
      const headers = { [HEADER.eventId]: header };
      expect(envelopeProblem(headers) === undefined).toBe(readEnvelopeHeaders(headers).problems.length === 0);
    }), { seed: 14, numRuns: 1000 });
  });

  it('refuses payloads nested too deep or holding NUL or lone surrogates, keys included', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
    expect(payloadProblem(deep)?.code).toBe('TOO_DEEP');
    expect(payloadProblem({ a: { b: ['x\u0000'] } })?.code).toBe('INVALID_CHARACTERS');
    expect(payloadProblem({ ['k\ud800']: 1 })?.code).toBe('INVALID_CHARACTERS');
    expect(payloadProblem({ comment: 'line\nbreak', n: [1, 2, { ok: true }] })).toBeUndefined();
  });
});

describe('id rules shared by HTTP and Kafka', () => {
  it('Market ids are integers from 1 to 2^53-1, as numbers or decimal text', () => {
    expect(isMarketId(987654321)).toBe(true);
    expect(isMarketId('987654321')).toBe(true);
    expect(isMarketId(MAX_MARKET_ID)).toBe(true);
    for (const bad of [0, -1, 1.5, 1e21, MAX_MARKET_ID + 1, '1e21', '0', '01', '', null]) expect(isMarketId(bad)).toBe(false);
  });

  it('company ids are word characters, dots and dashes, 1 to 128', () => {
    expect(isCompanyId('company-a.1_x')).toBe(true);
    for (const bad of ['', 'a b', 'a\u0000', 'x'.repeat(129), 7]) expect(isCompanyId(bad)).toBe(false);
  });
});

describe('failures caused by content', () => {
  it('classes 22 and 54 and 08P01 are the data\'s fault, never retried; other class 08 is an outage', () => {
    for (const code of ['22021', '22P05', '22003', '54000', '54001', '08P01']) {
      expect(isCausedByContent({ code })).toBe(true);
      expect(classifyFailure(Object.assign(new Error('x'), { code }))).toBe('permanent');
    }
    expect(isCausedByContent(new Error('wrapped', { cause: { code: '22021' } }))).toBe(true);
    for (const code of ['08006', '08001', '57P01', '40001', 'ECONNREFUSED']) {
      expect(isCausedByContent({ code })).toBe(false);
      expect(classifyFailure({ code })).toBe('retryable');
    }
  });
});
