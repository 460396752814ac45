import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropSchema, ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { PersonalDataVault } from '../src';

export interface VaultSchema {
  /** A schema of this spec file's own, dropped after it. */
  readonly schema: string;
  readonly masterKey: string;
  /** Vaults on that schema, made in beforeAll: each stands for a process of its own (its own sealing-key cache). */
  readonly vaults: PersonalDataVault[];
  /** A plain client, to look at the rows as they are stored. */
  readonly sql: Client;
}

/** Registers the hooks that make and remove the spec file's schema, `count` vaults on it and a plain client. */
export function useVaultSchema(count = 1): VaultSchema {
  const fixture: VaultSchema = {
    schema: `pd_${randomBytes(4).toString('hex')}`, masterKey: randomBytes(32).toString('hex'), vaults: [],
    sql: new Client({ connectionString: testDatabaseUrl() }),
  };
  beforeAll(async () => {
    await ensureTestDatabase();
    for (let i = 0; i < count; i++) {
      fixture.vaults.push(await PersonalDataVault.create({ connection: testDatabaseUrl(), schema: fixture.schema, masterKey: fixture.masterKey }));
    }
    await fixture.sql.connect();
  });
  afterAll(async () => {
    await fixture.sql.end();
    await Promise.all(fixture.vaults.map((vault) => vault.close()));
    await dropSchema(testDatabaseUrl(), fixture.schema);
  });
  return fixture;
}
