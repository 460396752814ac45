import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One data key per subject (an order) and one encrypted record per subject. Erasure deletes the record and nulls
 * the key but keeps the key row, so the subject is known to be erased and a late write cannot bring it back.
 */
export function personalDataSchemaMigration(schema: string): new () => MigrationInterface {
  const s = `"${schema}"`;
  return class PersonalDataSchema1767312000000 implements MigrationInterface {
    name = 'PersonalDataSchema1767312000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE ${s}.subject_keys (
        subject_id  text PRIMARY KEY,
        -- the subject's AES-256 key, wrapped with the master key when one is configured; NULL once erased
        data_key    bytea,
        wrapped     boolean NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        erased_at   timestamptz,
        CHECK ((data_key IS NULL) = (erased_at IS NOT NULL))
      )`);
      await runner.query(`CREATE TABLE ${s}.records (
        subject_id  text PRIMARY KEY REFERENCES ${s}.subject_keys (subject_id),
        iv          bytea NOT NULL,
        ciphertext  bytea NOT NULL,
        auth_tag    bytea NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${s}.records`);
      await runner.query(`DROP TABLE ${s}.subject_keys`);
    }
  };
}
