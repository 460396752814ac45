import { urlProblem } from './url-check';

describe('URL check', () => {
  it('lets ordinary paths and queries through, percent-encoded UTF-8 included', () => {
    for (const url of ['/', '/api/v1/companies/company-a/orders?page=2&per_page=10', '/x/%D0%B6?q=%F0%9F%8D%95&flag', '/x?a=b+c&a=d', '/x?'])
      expect(urlProblem(url)).toBeUndefined();
  });

  it('refuses NUL, lone surrogates and malformed escapes in the path and in the query', () => {
    expect(urlProblem('/v2/campaigns/%00/orders')).toBe('the path holds a NUL character');
    expect(urlProblem('/orders?page=%00')).toBe('the query holds a NUL character');
    expect(urlProblem('/orders?%00=1')).toBe('the query holds a NUL character');
    expect(urlProblem('/orders/%ED%A0%80')).toMatch(/^the path holds a malformed percent-encoding or bytes that are not UTF-8/);
    expect(urlProblem('/orders?x=%FF')).toMatch(/^the query holds a malformed/);
    expect(urlProblem('/orders/%zz')).toMatch(/^the path holds a malformed/);
  });

  it('finds raw NULs and lone surrogates without a percent sign too, where each is', () => {
    expect(urlProblem('/orders/a\u0000b')).toBe('the path holds a NUL character');
    expect(urlProblem('/orders?x=\u0000')).toBe('the query holds a NUL character');
    expect(urlProblem('/orders/\uD800?x=1')).toBe('the path holds a lone UTF-16 surrogate');
    expect(urlProblem('/orders/\uD83D\uDE00?x=\uDE00')).toBe('the query holds a lone UTF-16 surrogate');
    expect(urlProblem('/orders/\uD83D\uDE00?x=1')).toBeUndefined();
  });
});
