import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from '@orders/event-store/testing';
import { PersonalDataErased, PersonalDataVault } from '../src';
import { useVaultSchema } from './vault-schema';

const customer = { name: 'Ada Lovelace', phone: '+44 20 7946 0018', address: '12 St James Square', comment: 'ring twice' };

describe('PersonalDataVault on the real PostgreSQL', () => {
  const { schema, vaults, sql } = useVaultSchema(1);
  let vault: PersonalDataVault;
  beforeAll(() => {
    [vault] = vaults;
  });

  /** Everything the vault's tables hold for a subject, as text, to search for clear values. */
  async function storedBytes(subjectId: string): Promise<string> {
    const { rows } = await sql.query(
      `SELECT k.data_key, r.iv, r.ciphertext, r.auth_tag FROM "${schema}".subject_keys k
         LEFT JOIN "${schema}".records r USING (subject_id) WHERE k.subject_id = $1`, [subjectId]);
    return rows.map((row) => Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('|')).join('\n');
  }

  it('seals a record that only the vault can open, and replaces it on a second seal', async () => {
    await vault.seal('order-1', customer);
    expect(await vault.open('order-1')).toEqual(customer);
    const stored = await storedBytes('order-1');
    expect(stored).not.toContain('Ada');
    expect(stored).not.toContain('7946');

    await vault.seal('order-1', { ...customer, comment: 'leave at the door' });
    expect(await vault.open('order-1')).toMatchObject({ comment: 'leave at the door' });
    expect(await vault.open('order-unknown')).toBeUndefined();
  });

  it('opens several subjects in one call, leaving out the unknown ones', async () => {
    await vault.seal('order-2', { name: 'B' });
    await vault.seal('order-3', { name: 'C' });
    const found = await vault.openMany(['order-2', 'order-3', 'order-404']);
    expect([...found.entries()].sort()).toEqual([['order-2', { name: 'B' }], ['order-3', { name: 'C' }]]);
  });

  it('erases for good: the key and record are gone, a later seal is refused, a second erase reports nothing new', async () => {
    await vault.seal('order-4', customer);
    expect(await vault.erase('order-4')).toBe(true);
    expect(await vault.open('order-4')).toBeUndefined();
    expect(await vault.isErased('order-4')).toBe(true);
    const { rows } = await sql.query(`SELECT data_key FROM "${schema}".subject_keys WHERE subject_id = 'order-4'`);
    expect(rows).toEqual([{ data_key: null }]);
    await expect(vault.seal('order-4', customer)).rejects.toBeInstanceOf(PersonalDataErased);
    expect(await vault.erase('order-4')).toBe(false);
  });

  it('marks a subject erased even before it had data, so a late seal cannot create it', async () => {
    expect(await vault.erase('order-5')).toBe(true);
    await expect(vault.seal('order-5', customer)).rejects.toMatchObject({ code: 'PERSONAL_DATA_ERASED' });
  });

  it('joins the caller transaction: a rollback leaves nothing behind', async () => {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query('BEGIN');
      await vault.seal('order-6', customer, client);
      expect(await vault.open('order-6', client)).toEqual(customer);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    expect(await vault.open('order-6')).toBeUndefined();
  });

  it('cannot read wrapped keys without the master key that wrapped them', async () => {
    await vault.seal('order-7', customer);
    const other = await PersonalDataVault.create({ connection: testDatabaseUrl(), schema, masterKey: randomBytes(32) });
    try {
      await expect(other.open('order-7')).rejects.toThrow();
    } finally {
      await other.close();
    }
  });

  it('keeps a record intact under concurrent seals of many subjects', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `order-c${i}`);
    await Promise.all(ids.map((id) => vault.seal(id, { name: id })));
    const found = await vault.openMany(ids);
    expect(found.size).toBe(40);
    for (const id of ids) expect(found.get(id)).toEqual({ name: id });
  });

  it('lets racing first seals of one subject end with one key and a record that opens', async () => {
    // Each first seal tries to create the key; the losers must fall back to the winner's key, not fail or encrypt
    // under a key that was never stored.
    for (let round = 0; round < 10; round++) {
      const id = `order-race-${round}`;
      const values = Array.from({ length: 6 }, (_, i) => ({ name: `${id}-${i}` }));
      await Promise.all(values.map((value) => vault.seal(id, value)));
      const { rows } = await sql.query(`SELECT count(*)::int AS keys FROM "${schema}".subject_keys WHERE subject_id = $1`, [id]);
      expect(rows[0].keys).toBe(1);
      expect(values).toContainEqual(await vault.open(id));
    }
  });
});
