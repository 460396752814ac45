import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Ids per notification: NOTIFY payloads stop at 8000 bytes, a UUID and its comma take 37. */
const IDS_PER_NOTICE = 150;

/**
 * Notes when each expected order first shows up in the summary. A statement trigger on the summary table (installed
 * here, on the bench's own schema) NOTIFYs the ids a statement inserted; PostgreSQL delivers a notification at the
 * commit that made the rows visible. Polling the view instead cost the server a third of a core at 250 orders/s
 * (hundreds of ids looked up every few milliseconds), taken from the services it measures.
 */
export class SummaryWatcher {
  readonly seen = new Map<string, number>();
  private readonly pending = new Set<string>();
  private readonly client: Client;
  private readonly channel: string;

  constructor(url: string, private readonly table: string, tag: string) {
    this.client = new Client({ connectionString: url });
    this.channel = `bench_seen_${tag}`;
  }

  async start(): Promise<void> {
    await this.client.connect();
    const fn = this.fn;
    await this.client.query(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${this.channel}', string_agg(order_id, ','))
          FROM (SELECT order_id, (row_number() OVER ()) / ${IDS_PER_NOTICE} AS chunk FROM inserted) x GROUP BY chunk;
        RETURN NULL;
      END $$`);
    await this.client.query(`CREATE TRIGGER ${this.channel} AFTER INSERT ON ${this.table} REFERENCING NEW TABLE AS inserted
      FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    this.client.on('notification', ({ payload }) => {
      const now = performance.now();
      for (const id of (payload ?? '').split(',')) {
        if (this.pending.delete(id)) this.seen.set(id, now);
      }
    });
    await this.client.query(`LISTEN ${this.channel}`);
  }

  expect(orderId: string): void {
    this.pending.add(orderId);
  }

  forget(orderId: string): void {
    this.pending.delete(orderId);
  }

  async settled(timeoutMs: number): Promise<number> {
    for (const deadline = performance.now() + timeoutMs; this.pending.size > 0 && performance.now() < deadline;) await sleep(20);
    return this.pending.size;
  }

  /** Beside the table (dropped with the bench's schema); named by the tag, so watchers can follow one another. */
  private get fn(): string {
    return `${this.table}_${this.channel}`;
  }

  /** Removes the trigger, so a later watcher of the same table does not pay for this one's notices. */
  async stop(): Promise<void> {
    await this.client.query(`DROP TRIGGER IF EXISTS ${this.channel} ON ${this.table}; DROP FUNCTION IF EXISTS ${this.fn}()`)
      .catch(() => undefined);
    await this.client.end();
  }
}
