import { hashApiKey } from '../config/service-config';
import { ApiKeyRegistry, canAccessTenant, hasScope, presentedKey, queryKey } from './api-keys';

describe('API keys', () => {
  const registry = new ApiKeyRegistry([
    { principal: 'ops', sha256: hashApiKey('ops-key-0123456789') },
    { principal: 'market', sha256: hashApiKey('market-key-0123456789'), tenants: ['campaign-7'], scopes: ['read'] },
  ]);

  it('finds the principal of a known key and nobody for others', () => {
    expect(registry.authenticate('market-key-0123456789')).toEqual({ id: 'market', tenants: ['campaign-7'], scopes: ['read'] });
    expect(registry.authenticate('ops-key-0123456789')).toEqual({ id: 'ops', tenants: '*', scopes: ['read', 'write', 'operate'] });
    expect(registry.authenticate('ops-key-012345678')).toBeUndefined();
    expect(registry.authenticate('')).toBeUndefined();
    expect(registry.authenticate(undefined)).toBeUndefined();
  });

  it('takes the key from Api-Key or a bearer Authorization header', () => {
    expect(presentedKey({ 'api-key': 'abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'Bearer xyz' })).toBe('xyz');
    expect(presentedKey({ authorization: 'bearer  xyz' })).toBe('xyz');
    expect(presentedKey({ authorization: 'OAuth y0_tt-token' })).toBe('y0_tt-token');
    expect(presentedKey({ authorization: 'oauth  y0_tt-token' })).toBe('y0_tt-token');
    expect(presentedKey({ authorization: 'OAuth' })).toBeUndefined();
    expect(presentedKey({ authorization: 'Basic dXNlcjpwdw==' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });

  it('takes a key from one query parameter, never from an empty or repeated one', () => {
    expect(queryKey('/push?apikey=abc', 'apikey')).toBe('abc');
    expect(queryKey('/push?x=1&apikey=a%2Bb', 'apikey')).toBe('a+b');
    expect(queryKey('/push?apikey=', 'apikey')).toBeUndefined();
    expect(queryKey('/push?apikey=a&apikey=b', 'apikey')).toBeUndefined();
    expect(queryKey('/push', 'apikey')).toBeUndefined();
    expect(queryKey(undefined, 'apikey')).toBeUndefined();
  });

  it('limits a principal to its tenants and scopes', () => {
    const market = registry.authenticate('market-key-0123456789');
    const ops = registry.authenticate('ops-key-0123456789');
    expect(canAccessTenant(market, 'campaign-7')).toBe(true);
    expect(canAccessTenant(market, 'campaign-8')).toBe(false);
    expect(canAccessTenant(ops, 'anything')).toBe(true);
    expect(canAccessTenant(undefined, 'campaign-7')).toBe(false);
    expect(hasScope(market, 'read')).toBe(true);
    expect(hasScope(market, 'write')).toBe(false);
  });
});
