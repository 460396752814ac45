import type { QueryRunner } from 'typeorm';
import { sqlMigration } from './sql-migration';

/** A query runner that only records what it is asked to run. */
function recording(): { db: QueryRunner; ran: string[] } {
  const ran: string[] = [];
  return { ran, db: { query: async (sql: string) => void ran.push(sql) } as unknown as QueryRunner };
}

describe('sqlMigration', () => {
  const Example = sqlMigration('ExampleTables1767000000000', {
    up: ['CREATE TABLE a (id int)', async (db) => void (await db.query('INSERT INTO a VALUES (1)')), 'CREATE INDEX a_id ON a (id)'],
    down: ['DROP TABLE a'],
  });

  it('carries the name TypeORM records, on the instance and on the class', () => {
    expect(new Example().name).toBe('ExampleTables1767000000000');
    expect(Example.name).toBe('ExampleTables1767000000000');
  });

  it('runs the steps in order, statements and code alike', async () => {
    const up = recording();
    await new Example().up(up.db);
    expect(up.ran).toEqual(['CREATE TABLE a (id int)', 'INSERT INTO a VALUES (1)', 'CREATE INDEX a_id ON a (id)']);
    const down = recording();
    await new Example().down(down.db);
    expect(down.ran).toEqual(['DROP TABLE a']);
  });

  it('refuses a name without the timestamp TypeORM orders by', () => {
    expect(() => sqlMigration('ExampleTables', { up: [], down: [] })).toThrow(/13-digit timestamp/);
  });
});
