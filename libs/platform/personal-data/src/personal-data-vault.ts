import { randomBytes } from 'node:crypto';
import { Pool, type ClientBase, type PoolConfig } from 'pg';
import {
  assertSchemaName,
  createPool,
  runSchemaMigrations,
  withTransaction,
  type CompanionWrite,
} from '@orders/event-store';
import { KEY_BYTES, decrypt, encrypt, parseMasterKey, unwrapKey, wrapKey } from './cipher';
import { personalDataSchemaMigration } from './migrations/001-personal-data-schema';
import { SealingKeys } from './sealing-keys';
import { openValueToken, sealValueToken } from './value-token';

export const DEFAULT_PERSONAL_DATA_SCHEMA = 'personal_data';

export interface PersonalDataVaultOptions {
  /** A URL or pool config (the vault owns that pool), or `pool` (yours, left open). */
  readonly connection?: string | PoolConfig;
  readonly pool?: Pool;
  readonly schema?: string;
  /**
   * 32 bytes (hex or base64) wrapping every subject's key, so a database dump alone reads nothing. Without it the
   * subject keys are stored as they are: erasure still works, confidentiality at rest then rests on the database.
   */
  readonly masterKey?: string | Buffer;
  /**
   * How many subjects' keys `sealValue` keeps in memory (default 20,000; 0 turns it off), so sealing a value for a
   * subject this process read lately costs no round trip. Opening never uses them (see SealingKeys).
   */
  readonly sealingKeyCache?: number;
}

/** One subject as `openSubjects` found it: its record (if any) and an opener of its value tokens with the key read. */
export interface OpenedSubject<T> {
  readonly record: T | undefined;
  /** The value a token of this subject holds. Throws on a token of another subject or a tampered one. */
  openValue<V = unknown>(token: string): V;
}

interface SubjectRow {
  subject_id: string;
  data_key: Buffer;
  wrapped: boolean;
  iv: Buffer | null;
  ciphertext: Buffer | null;
  auth_tag: Buffer | null;
}

/** A write for a subject whose data was erased: erasure is final. */
export class PersonalDataErased extends Error {
  readonly code = 'PERSONAL_DATA_ERASED';
  constructor(readonly subjectId: string) {
    super(`personal data of ${subjectId} was erased and cannot be written again`);
    this.name = 'PersonalDataErased';
  }
}

type Runner = ClientBase;

/**
 * Personal data kept out of the event log (architecture rule 7): one encrypted JSON record per subject (an order),
 * each under its own AES-256-GCM key. `erase` destroys the key and the record (crypto-shredding), so neither the
 * log, a replay nor a rebuilt read model can show the data again.
 *
 * Methods take an optional pg client to join the caller's transaction. The event store wants its append to be a
 * transaction's first write, so in a shared transaction append first and seal after.
 */
export class PersonalDataVault {
  private readonly ownsPool: boolean;
  readonly pool: Pool;
  readonly schema: string;
  private readonly masterKey?: Buffer;
  private readonly sealingKeys?: SealingKeys;

  private constructor(options: PersonalDataVaultOptions) {
    this.schema = options.schema ?? DEFAULT_PERSONAL_DATA_SCHEMA;
    assertSchemaName(this.schema);
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else if (options.connection) {
      const config =
        typeof options.connection === 'string' ? { connectionString: options.connection } : options.connection;
      // Reported, not thrown: a database restart must not take the service down (see createPool).
      this.pool = createPool(config, (error) =>
        console.warn(`personal-data vault: an idle database connection failed: ${error.message}`),
      );
      this.ownsPool = true;
    } else {
      throw new Error('PersonalDataVault needs a connection or a pool');
    }
    this.masterKey =
      options.masterKey === undefined || options.masterKey === '' ? undefined : parseMasterKey(options.masterKey);
    const cached = options.sealingKeyCache ?? 20_000;
    this.sealingKeys = cached > 0 ? new SealingKeys(cached) : undefined;
  }

  /** Builds the vault and runs its migrations. */
  static async create(options: PersonalDataVaultOptions): Promise<PersonalDataVault> {
    const vault = new PersonalDataVault(options);
    const connection = options.connection ?? (vault.pool.options as PoolConfig);
    await runSchemaMigrations({
      connection,
      schema: vault.schema,
      migrations: [personalDataSchemaMigration(vault.schema)],
      tableName: 'personal_data_migrations',
    });
    return vault;
  }

  /** Writes (or replaces) the subject's record. Throws PersonalDataErased after `erase`. */
  async seal(subjectId: string, record: Record<string, unknown>, client?: Runner): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify(record));
    if (await this.sealNew(subjectId, plaintext, client)) return;
    await withTransaction<void, Runner>(
      this.pool,
      async (db) => {
        const key = await this.subjectKey(db, subjectId);
        if (!key) throw new PersonalDataErased(subjectId);
        const sealed = encrypt(key, plaintext, subjectId);
        await db.query(
          `INSERT INTO "${this.schema}".records (subject_id, iv, ciphertext, auth_tag) VALUES ($1, $2, $3, $4)
         ON CONFLICT (subject_id) DO UPDATE SET iv = EXCLUDED.iv, ciphertext = EXCLUDED.ciphertext,
           auth_tag = EXCLUDED.auth_tag, updated_at = now()`,
          [subjectId, sealed.iv, sealed.ciphertext, sealed.authTag],
        );
      },
      { within: client },
    );
  }

  /**
   * The first seal of a new subject as a companion of the append that creates the subject's stream (the event
   * store's CompanionWrite): a fresh key and the record encrypted with it, written by the append's own statement,
   * so a new order costs one round trip. The key row is inserted without ON CONFLICT: a subject that has a key
   * already (known, erased, or a racing writer) fails the statement, nothing is appended, and `refused` tells the
   * command to take the slow path (`seal` in a transaction). The vault's schema must be in the store's database.
   */
  sealNewWithAppend(
    subjectId: string,
    record: Record<string, unknown>,
  ): {
    write: CompanionWrite;
    refused(error: unknown): boolean;
  } {
    const fresh = randomBytes(KEY_BYTES);
    const stored = this.masterKey ? wrapKey(this.masterKey, fresh, subjectId) : fresh;
    const sealed = encrypt(fresh, Buffer.from(JSON.stringify(record)), subjectId);
    const s = `"${this.schema}"`;
    return {
      write: {
        name: `seal_${this.schema}`,
        sql: `pd_key AS (
  INSERT INTO ${s}.subject_keys (subject_id, data_key, wrapped)
  SELECT :w_subject::text, :w_key::bytea, :w_wrapped::boolean FROM appended
  RETURNING subject_id
),
pd_record AS (
  INSERT INTO ${s}.records (subject_id, iv, ciphertext, auth_tag)
  SELECT subject_id, :w_iv::bytea, :w_ciphertext::bytea, :w_tag::bytea FROM pd_key
  RETURNING 1
)`,
        values: {
          w_subject: subjectId,
          w_key: stored,
          w_wrapped: this.masterKey !== undefined,
          w_iv: sealed.iv,
          w_ciphertext: sealed.ciphertext,
          w_tag: sealed.authTag,
        },
      },
      refused: (error) =>
        (error as { code?: string; constraint?: string })?.code === '23505' &&
        (error as { constraint?: string }).constraint === 'subject_keys_pkey',
    };
  }

  /** The subject's record, or undefined when there is none or it was erased. */
  async open<T extends Record<string, unknown> = Record<string, unknown>>(
    subjectId: string,
    client?: Runner,
  ): Promise<T | undefined> {
    return (await this.openMany<T>([subjectId], client)).get(subjectId);
  }

  /** Records of several subjects in one round trip (list pages); erased and unknown subjects are absent. */
  async openMany<T extends Record<string, unknown> = Record<string, unknown>>(
    subjectIds: readonly string[],
    client?: Runner,
  ): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const [subjectId, opened] of await this.openSubjects<T>(subjectIds, client)) {
      if (opened.record !== undefined) found.set(subjectId, opened.record);
    }
    return found;
  }

  /**
   * Records and value-token openers of several subjects in one round trip (a response showing both). Subjects with a
   * key are present, with `record` undefined when they have none; erased and unknown subjects are absent.
   */
  async openSubjects<T extends Record<string, unknown> = Record<string, unknown>>(
    subjectIds: readonly string[],
    client?: Runner,
  ): Promise<Map<string, OpenedSubject<T>>> {
    const found = new Map<string, OpenedSubject<T>>();
    if (subjectIds.length === 0) return found;
    const { rows } = await (client ?? this.pool).query<SubjectRow>(
      `SELECT k.subject_id, k.data_key, k.wrapped, r.iv, r.ciphertext, r.auth_tag
         FROM "${this.schema}".subject_keys k LEFT JOIN "${this.schema}".records r USING (subject_id)
        WHERE k.subject_id = ANY($1::text[]) AND k.data_key IS NOT NULL`,
      [subjectIds],
    );
    for (const row of rows) {
      const subjectId = row.subject_id;
      const key = this.unwrap(row.data_key, row.wrapped, subjectId);
      // Free for sealing later (the detector opens every delivery it tracks): but only a committed key, never one
      // read inside a caller's transaction, which may yet roll back (see SealingKeys).
      if (client === undefined) this.sealingKeys?.remember(subjectId, key);
      const record =
        row.iv && row.ciphertext && row.auth_tag
          ? (JSON.parse(
              decrypt(key, { iv: row.iv, ciphertext: row.ciphertext, authTag: row.auth_tag }, subjectId).toString(
                'utf8',
              ),
            ) as T)
          : undefined;
      found.set(subjectId, { record, openValue: <V>(token: string) => openValueToken<V>(key, subjectId, token) });
    }
    return found;
  }

  /**
   * Seals a small JSON value under the subject's key into an opaque token an event payload can carry (`pd1.…`). Once
   * the subject is erased nobody can open it: that is how values in an append-only log are erased. Creates the
   * subject's key when it has none yet; throws PersonalDataErased once erased. A subject read lately (`open`,
   * `openMany`, an earlier `sealValue`, outside a caller's transaction) costs no round trip.
   */
  async sealValue(subjectId: string, value: unknown, client?: Runner): Promise<string> {
    const cached = this.sealingKeys?.get(subjectId);
    if (cached) return sealValueToken(cached, subjectId, value);
    const stored = await this.storedKey(subjectId, client);
    const key =
      stored === undefined
        ? await withTransaction<Buffer | undefined, Runner>(this.pool, (db) => this.subjectKey(db, subjectId), {
            within: client,
          })
        : stored;
    if (!key) throw new PersonalDataErased(subjectId);
    if (client === undefined) this.sealingKeys?.remember(subjectId, key);
    return sealValueToken(key, subjectId, value);
  }

  /**
   * The value a token holds, or undefined once its subject is erased (or unknown). Always reads the key from the
   * database, never from memory: erasure anywhere is seen at once. Throws on a token of another subject or a tampered one.
   */
  async openValue<V = unknown>(subjectId: string, token: string, client?: Runner): Promise<V | undefined> {
    return (await this.openSubjects([subjectId], client)).get(subjectId)?.openValue<V>(token);
  }

  /** Destroys the subject's key and record. True when something was erased now; false when already erased or unknown. */
  async erase(subjectId: string, client?: Runner): Promise<boolean> {
    // Forgotten before and after: a seal of this process racing the erase may have put it back meanwhile (harmless,
    // see SealingKeys, but no reason to keep a destroyed key in memory).
    this.sealingKeys?.forget(subjectId);
    const erased = await withTransaction<boolean, Runner>(
      this.pool,
      async (db) => {
        // Mark the subject erased even when it never had data, so a late seal cannot create it afterwards.
        const { rowCount } = await db.query(
          `INSERT INTO "${this.schema}".subject_keys (subject_id, data_key, wrapped, erased_at) VALUES ($1, NULL, false, now())
         ON CONFLICT (subject_id) DO UPDATE SET data_key = NULL, erased_at = now()
           WHERE "${this.schema}".subject_keys.erased_at IS NULL`,
          [subjectId],
        );
        await db.query(`DELETE FROM "${this.schema}".records WHERE subject_id = $1`, [subjectId]);
        return (rowCount ?? 0) > 0;
      },
      { within: client },
    );
    this.sealingKeys?.forget(subjectId);
    return erased;
  }

  async isErased(subjectId: string, client?: Runner): Promise<boolean> {
    const { rows } = await (client ?? this.pool).query(
      `SELECT 1 FROM "${this.schema}".subject_keys WHERE subject_id = $1 AND erased_at IS NOT NULL`,
      [subjectId],
    );
    return rows.length > 0;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  /**
   * The common case, a subject seen for the first time, in one statement instead of three: a fresh key and the
   * record encrypted with it are written together only when no key row exists yet (a record needs its key row, so
   * none can exist either). False when one does (a known or
   * erased subject, or a racing writer): then the slow path reads the stored key. The new key row stays locked by
   * this transaction until it ends, so a concurrent erase waits for it as it would for the slow path's FOR SHARE.
   */
  private async sealNew(subjectId: string, plaintext: Buffer, client?: Runner): Promise<boolean> {
    const fresh = randomBytes(KEY_BYTES);
    const stored = this.masterKey ? wrapKey(this.masterKey, fresh, subjectId) : fresh;
    const sealed = encrypt(fresh, plaintext, subjectId);
    const { rows } = await (client ?? this.pool).query(
      `WITH key AS (
         INSERT INTO "${this.schema}".subject_keys (subject_id, data_key, wrapped) VALUES ($1, $2, $3)
         ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id)
       INSERT INTO "${this.schema}".records (subject_id, iv, ciphertext, auth_tag) SELECT subject_id, $4, $5, $6 FROM key
       RETURNING 1`,
      [subjectId, stored, this.masterKey !== undefined, sealed.iv, sealed.ciphertext, sealed.authTag],
    );
    return rows.length > 0;
  }

  /**
   * The subject's key as stored, in one plain read (no lock: sealing a value races an erase harmlessly, see
   * SealingKeys); null once erased; undefined when the subject has no key row yet.
   */
  private async storedKey(subjectId: string, client?: Runner): Promise<Buffer | null | undefined> {
    const { rows } = await (client ?? this.pool).query<{ data_key: Buffer | null; wrapped: boolean }>(
      `SELECT data_key, wrapped FROM "${this.schema}".subject_keys WHERE subject_id = $1`,
      [subjectId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.data_key ? this.unwrap(row.data_key, row.wrapped, subjectId) : null;
  }

  /** The subject's key, created when missing; undefined once erased. Locks the key row against a concurrent erase. */
  private async subjectKey(db: Runner, subjectId: string): Promise<Buffer | undefined> {
    const fresh = randomBytes(KEY_BYTES);
    const stored = this.masterKey ? wrapKey(this.masterKey, fresh, subjectId) : fresh;
    await db.query(
      `INSERT INTO "${this.schema}".subject_keys (subject_id, data_key, wrapped) VALUES ($1, $2, $3) ON CONFLICT (subject_id) DO NOTHING`,
      [subjectId, stored, this.masterKey !== undefined],
    );
    const { rows } = await db.query<{ data_key: Buffer | null; wrapped: boolean }>(
      `SELECT data_key, wrapped FROM "${this.schema}".subject_keys WHERE subject_id = $1 FOR SHARE`,
      [subjectId],
    );
    const row = rows[0];
    return row?.data_key ? this.unwrap(row.data_key, row.wrapped, subjectId) : undefined;
  }

  private unwrap(stored: Buffer, wrapped: boolean, subjectId: string): Buffer {
    if (!wrapped) return stored;
    if (!this.masterKey) throw new Error(`the key of ${subjectId} is wrapped but no master key is configured`);
    return unwrapKey(this.masterKey, stored, subjectId);
  }
}
