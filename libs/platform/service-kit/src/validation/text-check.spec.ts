import fc from 'fast-check';
import { findBrokenText, textProblem } from './text-check';

describe('text check', () => {
  it('finds NULs and lone surrogates, and lets paired surrogates (emoji) and other control characters through', () => {
    expect(textProblem('a\u0000b')).toBe('NUL character');
    expect(textProblem('\uD800')).toBe('lone UTF-16 surrogate');
    expect(textProblem('x\uDFFFy')).toBe('lone UTF-16 surrogate');
    expect(textProblem('ok\uD83D')).toBe('lone UTF-16 surrogate');
    expect(textProblem('\uDE00\uD83D')).toBe('lone UTF-16 surrogate');
    expect(textProblem('pizza 🍕, tab\t, bell\u0007, é')).toBeUndefined();
  });

  it('agrees with UTF-8: a string passes exactly when it survives an encode and decode unchanged and holds no NUL', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      const survives = Buffer.from(text, 'utf8').toString('utf8') === text && !text.includes('\u0000');
      expect(textProblem(text) === undefined).toBe(survives);
    }), { seed: 14, numRuns: 2000 });
  });

  it('names the first broken field by its dotted path, in values and in keys', () => {
    expect(findBrokenText({ customer: { name: 'Ann', phone: '+7\u0000' }, items: [{ name: 'ok' }, { name: '\uD800' }] }))
      .toEqual({ field: 'customer.phone', problem: 'NUL character', inKey: false });
    expect(findBrokenText({ items: [{ name: 'ok' }, { name: '\uD800' }] })).toEqual({ field: 'items.1.name', problem: 'lone UTF-16 surrogate', inKey: false });
    expect(findBrokenText({ a: { 'b\u0000': 1 } })).toEqual({ field: 'a.b\\u0000', problem: 'NUL character', inKey: true });
    expect(findBrokenText('\u0000')).toEqual({ field: 'body', problem: 'NUL character', inKey: false });
    expect(findBrokenText('x\u0000', 'companyId')).toMatchObject({ field: 'companyId' });
    expect(findBrokenText({ a: [1, true, null, { b: 'fine' }] })).toBeUndefined();
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findBrokenText(deep)?.problem).toBe('NUL character');
  });
});
