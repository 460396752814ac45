import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { ChannelListener } from '@orders/service-kit';
import type { ClientConfig } from 'pg';
import type { Observable } from 'rxjs';
import { BOARD_CHANNEL, type BoardNotice, type MissedChanges } from './board-changes';

/** More missed changes than this and the client had better reload the list than replay them one by one. */
const REPLAY_LIMIT = 1000;

/**
 * Board changes as they commit, in every instance: one LISTEN connection per process hears the NOTIFYs the
 * projection (wherever it runs) sends inside its transaction, so a notice never precedes its row. A lost connection
 * is re-established: listeners keep their streams, and miss only what passed meanwhile (a client that reconnects
 * with Last-Event-ID gets it from `since`).
 */
@Injectable()
export class BoardNotifications implements OnModuleInit, OnApplicationShutdown {
  private readonly listener: ChannelListener<BoardNotice>;

  constructor(private readonly store: EventStore) {
    this.listener = new ChannelListener<BoardNotice>({
      connection: store.pool.options as ClientConfig,
      channel: BOARD_CHANNEL,
      parse: (payload) => JSON.parse(payload) as BoardNotice,
      log: new Logger('BoardNotifications'),
      name: 'board notifications',
    });
  }

  get changes(): Observable<BoardNotice> {
    return this.listener.notices;
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
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}
