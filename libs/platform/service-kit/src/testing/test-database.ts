import { Client } from 'pg';

/** `base` with its database swapped: each spec file boots its app on a database of its own. */
export function databaseUrlOn(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** One connection for one piece of work (set-up and inspection in specs and benches), always closed after. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement on the server's `postgres` database (CREATE / DROP DATABASE). */
export async function onAdmin(base: string, sql: string): Promise<void> {
  await withClient(databaseUrlOn(base, 'postgres'), (client) => client.query(sql));
}

/** Polls a condition until it holds (eventually consistent read models); fails with the last value after the deadline. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * The idle-error handler of a spec's own pool: the spec ends by dropping its database WITH (FORCE), which
 * terminates any connection still open, and that is expected; anything else is reported.
 */
export function ignoreForcedDrop(error: Error): void {
  if ((error as { code?: string }).code !== '57P01') console.warn(`test pool: an idle connection failed: ${error.message}`);
}
