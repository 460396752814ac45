import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { Client, type ClientConfig } from 'pg';
import { Subject, type Observable } from 'rxjs';
import { BOARD_CHANNEL, type BoardNotice, type MissedChanges } from './board-changes';

const RECONNECT_DELAY_MS = 1000;
/** More missed changes than this and the client had better reload the list than replay them one by one. */
const REPLAY_LIMIT = 1000;

/**
 * Board changes as they commit, in every instance: one LISTEN connection per process hears the NOTIFYs the
 * projection (wherever it runs) sends inside its transaction, so a notice never precedes its row.
 */
@Injectable()
export class BoardNotifications implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('BoardNotifications');
  private readonly notices = new Subject<BoardNotice>();
  private client?: Client;
  private closed = false;

  constructor(private readonly store: EventStore) {}

  get changes(): Observable<BoardNotice> {
    return this.notices.asObservable();
  }

  /**
   * A company's notices numbered after `seq`, oldest first: what a stream that reconnects has missed; a resync when
   * the feed was pruned past `seq` or more than `limit` are missing. One statement, so the horizon and the rows are
   * read from the same snapshot (a prune in between cannot make a replay silently short).
   */
  async since(companyId: string, seq: number, limit = REPLAY_LIMIT): Promise<MissedChanges> {
    const { rows } = await this.store.pool.query<{
      pruned_through: string;
      latest: string | null;
      seq: string | null;
      notice: BoardNotice | null;
    }>(
      `SELECT h.pruned_through::text, (SELECT max(seq) FROM intake_board_changes)::text AS latest, c.seq::text, c.notice
         FROM intake_board_changes_horizon h
         LEFT JOIN LATERAL (
           SELECT seq, notice FROM intake_board_changes WHERE company_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
         ) c ON true
        ORDER BY c.seq`,
      [companyId, seq, limit + 1],
    );
    const first = rows[0];
    const prunedThrough = Number(first?.pruned_through ?? 0);
    const latest = Math.max(Number(first?.latest ?? 0), prunedThrough, seq);
    if (seq < prunedThrough) return { resync: 'pruned', latest };
    const notices = rows
      .filter((row) => row.seq !== null)
      .map((row) => ({ ...(row.notice as BoardNotice), seq: Number(row.seq) }));
    if (notices.length > limit) return { resync: 'too-many', latest };
    return { notices };
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.notices.complete();
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client(this.store.pool.options as ClientConfig);
    client.on('notification', (message) => {
      if (message.channel !== BOARD_CHANNEL || !message.payload) return;
      try {
        this.notices.next(JSON.parse(message.payload) as BoardNotice);
      } catch (error) {
        this.logger.warn(`ignored a board notice that is not JSON: ${String(error)}`);
      }
    });
    // A lost connection is re-established: listeners keep their streams, and miss only what passed meanwhile.
    client.on('error', (error) => {
      this.logger.warn(`board notifications connection lost: ${error.message}`);
      void client.end().catch(() => undefined);
      this.listenLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BOARD_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  /**
   * Tries again every second until it listens: a database that is down longer than that (a restart) refuses the
   * first attempts, and one failed attempt must not leave the board without notices for the process's lifetime.
   */
  private listenLater(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed) return;
      this.listen().catch((error: Error) => {
        this.logger.warn(`board notifications not listening yet: ${error.message}; trying again`);
        this.listenLater();
      });
    }, RECONNECT_DELAY_MS).unref();
  }
}
