import { Client } from 'pg';
import { testDatabaseUrl } from '@orders/event-store/testing';
import { PersonalDataErased, PersonalDataVault } from '../src';
import { useVaultSchema } from './vault-schema';

const point = { lat: 55.7512443, lon: 37.6184231 };

describe('PersonalDataVault value tokens on the real PostgreSQL', () => {
  const { schema, masterKey, vaults } = useVaultSchema(2);
  let vault: PersonalDataVault;
  let other: PersonalDataVault; // another process: its own sealing-key cache
  beforeAll(() => {
    [vault, other] = vaults;
  });

  it('seals a value under the subject key that any vault of the same master key opens, until erasure', async () => {
    await vault.seal('order-1', { address: 'Tverskaya 1' });
    const token = await vault.sealValue('order-1', point);
    expect(token).not.toContain('55.75');
    expect(await vault.openValue('order-1', token)).toEqual(point);
    expect(await other.openValue('order-1', token)).toEqual(point);
    const [opened] = (await other.openSubjects(['order-1'])).values();
    expect(opened.record).toEqual({ address: 'Tverskaya 1' });
    expect(opened.openValue(token)).toEqual(point);

    await other.erase('order-1');
    expect(await vault.openValue('order-1', token)).toBeUndefined(); // read from the database, never from a cache
    expect(await other.openValue('order-1', token)).toBeUndefined();
    expect((await vault.openSubjects(['order-1'])).size).toBe(0);
    await expect(other.sealValue('order-1', point)).rejects.toBeInstanceOf(PersonalDataErased);
  });

  it('creates the key of a subject that had none, and lists it in openSubjects without a record', async () => {
    const token = await vault.sealValue('order-2', point);
    expect(await other.open('order-2')).toBeUndefined();
    const opened = (await other.openSubjects(['order-2', 'order-404'])).get('order-2');
    expect(opened?.record).toBeUndefined();
    expect(opened?.openValue(token)).toEqual(point);
  });

  it('refuses a token of another subject', async () => {
    await vault.seal('order-3', {});
    await vault.seal('order-4', {});
    const token = await vault.sealValue('order-3', point);
    await expect(vault.openValue('order-4', token)).rejects.toThrow();
  });

  it('seals without a round trip for a subject it opened lately, and a token sealed after an erase elsewhere opens for nobody', async () => {
    await vault.seal('order-5', { name: 'x' });
    // A vault whose pool is closed after it opened the subject, as the positions detector does for every delivery
    // it tracks: sealing must not need the database at all then (a subject it never read must).
    const detector = await PersonalDataVault.create({ connection: testDatabaseUrl(), schema, masterKey });
    await detector.openMany(['order-5']);
    await detector.close();
    const token = await detector.sealValue('order-5', point);
    await expect(detector.sealValue('order-never-read', point)).rejects.toThrow(/pool/i);
    expect(await other.openValue('order-5', token)).toEqual(point);

    await other.erase('order-5'); // another process: the detector's cache still holds the key
    const late = await detector.sealValue('order-5', point);
    expect(await vault.openValue('order-5', late)).toBeUndefined();
    expect(await other.openValue('order-5', late)).toBeUndefined();
  });

  it('forgets the sealing key on its own erase', async () => {
    await vault.seal('order-6', {});
    await vault.sealValue('order-6', point);
    await vault.erase('order-6');
    await expect(vault.sealValue('order-6', point)).rejects.toBeInstanceOf(PersonalDataErased);
  });

  it('never caches a key read inside a caller transaction that rolls back', async () => {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query('BEGIN');
      await vault.seal('order-7', { name: 'rolled back' }, client);
      await vault.openMany(['order-7'], client);
      await vault.sealValue('order-7', point, client);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    await vault.seal('order-7', { name: 'kept' }); // a new key
    const token = await vault.sealValue('order-7', point);
    expect(await other.openValue('order-7', token)).toEqual(point);
  });
});
