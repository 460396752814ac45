import { readModelTarget, serviceNames, storeTargets } from './targets';

describe('ops targets', () => {
  it('verifies only services that keep an event store (not the projector)', () => {
    expect(serviceNames()).not.toContain('projector');
    expect(storeTargets({}, {}).map((t) => t.service)).toEqual(expect.arrayContaining(['intake']));
    expect(storeTargets({}, {}).map((t) => t.service)).not.toContain('projector');
    expect(() => storeTargets({ service: 'projector' }, {})).toThrow(/unknown service/);
  });

  it('finds the read-model database from the projector manifest, its variable, or the options', () => {
    expect(readModelTarget({}, {})).toEqual({
      connection: 'postgres://postgres@127.0.0.1:5432/readmodels',
      schema: 'projector',
    });
    expect(readModelTarget({}, { READMODELS_DATABASE_URL: 'postgres://db/rm' }).connection).toBe('postgres://db/rm');
    expect(
      readModelTarget({ databaseUrl: 'postgres://x/y', schema: 's' }, { READMODELS_DATABASE_URL: 'postgres://db/rm' }),
    ).toEqual({ connection: 'postgres://x/y', schema: 's' });
  });
});
