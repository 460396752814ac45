import { hashApiKey } from '../config/service-config';
import { ApiKeyRegistry, presentedKey } from './api-keys';

describe('API keys', () => {
  const registry = new ApiKeyRegistry([
    { principal: 'ops', sha256: hashApiKey('ops-key-0123456789') },
    { principal: 'market', sha256: hashApiKey('market-key-0123456789') },
  ]);

  it('finds the principal of a known key and nobody for others', () => {
    expect(registry.authenticate('market-key-0123456789')).toEqual({ id: 'market' });
    expect(registry.authenticate('ops-key-0123456789')).toEqual({ id: 'ops' });
    expect(registry.authenticate('ops-key-012345678')).toBeUndefined();
    expect(registry.authenticate('')).toBeUndefined();
    expect(registry.authenticate(undefined)).toBeUndefined();
  });

  it('takes the key from Api-Key or a bearer Authorization header', () => {
    expect(presentedKey({ 'api-key': 'abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'Bearer xyz' })).toBe('xyz');
    expect(presentedKey({ authorization: 'bearer  xyz' })).toBe('xyz');
    expect(presentedKey({ authorization: 'Basic dXNlcjpwdw==' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });
});
