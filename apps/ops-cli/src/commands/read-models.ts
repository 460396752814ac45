import { ReadModelDb } from '@orders/projector/src/operations';
import type { ReadModelTarget } from '../targets';

/**
 * Opens the projector's read-model database for one command and closes it after. Never migrates: a CLI that
 * reaches a database without the projector's schema says so instead of creating one.
 */
export async function withReadModels<T>(target: ReadModelTarget, work: (db: ReadModelDb) => Promise<T>): Promise<T> {
  const db = ReadModelDb.open({ connection: target.connection, schema: target.schema, poolSize: 3 });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** 42P01 (undefined table) / 3F000 (undefined schema): the projector never ran against this database. */
export function isMissingSchema(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '42P01' || code === '3F000' || /has the projector run here/.test((error as Error).message ?? '');
}
