import { Client } from 'pg';
import { ensureTestDatabase, testDatabaseUrl } from '../src/testing';
import { createPool } from '../src';

describe('createPool on the real PostgreSQL', () => {
  beforeAll(ensureTestDatabase);

  it('reports an idle connection the server terminated, instead of crashing, and keeps serving', async () => {
    const failures: Error[] = [];
    let reported!: () => void;
    const failureSeen = new Promise<void>((resolve) => (reported = resolve));
    const pool = createPool({ connectionString: testDatabaseUrl(), max: 1, application_name: 'pool-spec' }, (error) => {
      failures.push(error);
      reported();
    });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      client.release(); // idle in the pool now
      const admin = new Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await admin.end();
      await failureSeen;
      expect(failures[0]).toMatchObject({ code: '57P01' });
      // The next query opens a fresh connection.
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('keeps the process alive when a checked-out connection is terminated between two queries: its next query fails', async () => {
    const pool = createPool({ connectionString: testDatabaseUrl(), max: 1, application_name: 'pool-spec' }, () => undefined);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      // Held, not querying (a relay awaiting the broker inside its batch): without a listener pg throws the failure.
      const admin = new Client({ connectionString: testDatabaseUrl() });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await admin.end();
      await ended;
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
