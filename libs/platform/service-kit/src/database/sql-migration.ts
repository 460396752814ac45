import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One step of a migration: a statement, or code for what a statement cannot do (a backfill computed in TypeScript). */
export type MigrationStep = string | ((db: QueryRunner) => Promise<void>);

export interface MigrationSteps {
  readonly up: readonly MigrationStep[];
  readonly down: readonly MigrationStep[];
}

/** TypeORM sorts migrations by the JavaScript timestamp that ends their name. */
const TIMESTAMP_SUFFIX = /\d{13}$/;

/**
 * A TypeORM migration that runs its steps in order, for `ServiceKitModule.forRoot({ migrations })`. `name` is what
 * TypeORM records in the `migrations` table (name, and the timestamp it ends with): keep it as it was when the
 * migration was first applied, and an applied migration is recognised and not run again. The class carries the name
 * too, so it reads as before in stack traces and `migration.constructor.name`.
 */
export function sqlMigration(name: string, steps: MigrationSteps): new () => MigrationInterface {
  if (!TIMESTAMP_SUFFIX.test(name)) throw new Error(`migration ${name}: the name must end with a 13-digit timestamp`);
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(db: QueryRunner): Promise<void> {
      await runSteps(db, steps.up);
    }

    async down(db: QueryRunner): Promise<void> {
      await runSteps(db, steps.down);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

async function runSteps(db: QueryRunner, steps: readonly MigrationStep[]): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'string') await db.query(step);
    else await step(db);
  }
}
