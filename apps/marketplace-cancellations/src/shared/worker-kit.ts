import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';

/** Runs `work` over `items` with at most `limit` at a time. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Claims rows with `claimSql` (a SELECT … FOR UPDATE SKIP LOCKED) and keeps them locked while `work` settles them
 * through the same client; commits, or rolls everything back on a throw. Returns how many rows were claimed.
 */
export async function withClaimedRows<R extends QueryResultRow>(
  pool: Pool, claimSql: string, params: unknown[], work: (rows: R[], client: PoolClient) => Promise<void>,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<R>(claimSql, params);
    await work(rows, client);
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Exponential backoff for retried rows: 1 s doubling up to 5 minutes. */
export const retryDelayMs = (attempt: number): number => Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));

/**
 * A background loop for a database-backed queue: runs `tick` until it finds nothing, then waits for a poke or the
 * poll interval. Nothing is held in memory between ticks, so any instance can stop at any time.
 */
export abstract class PollingWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  protected abstract readonly logger: Logger;

  protected abstract enabled(): boolean;
  protected abstract pollMs(): number;
  /** Returns how much work it did; 0 means "wait". */
  protected abstract tick(): Promise<number>;

  onApplicationBootstrap(): void {
    if (!this.enabled()) return;
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
  }

  /** Ends the current wait at once (new work arrived in this process). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.tick();
        failures = 0;
      } catch (error) {
        failures++;
        this.logger.error(`tick failed (${failures} in a row): ${error instanceof Error ? error.message : String(error)}`);
      }
      if (worked > 0 || !this.running) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, failures > 0 ? Math.min(30_000, this.pollMs() * 2 ** failures) : this.pollMs());
      });
      clearTimeout(this.timer);
      this.wake = undefined;
    }
  }
}
