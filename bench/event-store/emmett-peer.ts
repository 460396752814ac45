import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CommandHandler } from '@event-driven-io/emmett';
import {
  getPostgreSQLEventStore,
  readMessagesBatch,
  type PostgresEventStore,
} from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import { testDatabaseUrl } from '@orders/event-store/testing';
import { payload } from './counter';

/**
 * The peer: Emmett's PostgreSQL event store used the way its documentation shows it — its own schema (created by
 * its automatic migration) in a database of its own, `appendToStream` with an expected version, `readStream`, and
 * its `CommandHandler` (read the stream, evolve, decide, append with the version read). Reading the whole log goes
 * through `readMessagesBatch`, the primitive its consumers pull with: commit-safe order below `pg_snapshot_xmin`.
 */
type Counted = { type: 'Counted'; data: { by: number; total: number; note?: string } };

export interface EmmettPeer {
  store: PostgresEventStore;
  /** A dumbo pool on the same database, for `readMessagesBatch`. */
  reader: ReturnType<typeof dumbo>;
  /** Events appended so far, to check the read-back against. */
  appended: number;
  close(): Promise<void>;
}

function withDatabase(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createEmmettPeer(): Promise<EmmettPeer> {
  const database = `bench_emmett_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const connectionString = withDatabase(database);
  const store = getPostgreSQLEventStore(connectionString);
  await store.schema.migrate();
  const reader = dumbo({ connectionString });
  const peer: EmmettPeer = {
    store,
    reader,
    appended: 0,
    close: async () => {
      await reader.close();
      await store.close();
      const dropper = new Client({ connectionString: withDatabase('postgres') });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await dropper.end();
    },
  };
  return peer;
}

/** One transaction of `size` events on a new stream, expecting it not to exist (as ours does with 'no_stream'). */
export async function emmettAppendNew(peer: EmmettPeer, streamId: string, size: number): Promise<void> {
  const events: Counted[] = Array.from({ length: size }, (_, i) => ({ type: 'Counted', data: payload(i) }));
  await peer.store.appendToStream<Counted>(streamId, events, { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
  peer.appended += size;
}

const handle = CommandHandler<{ total: number }, Counted>({
  evolve: (_state, event) => ({ total: event.data.total }),
  initialState: () => ({ total: 0 }),
});

/** The counter decider's Count command through Emmett's command handler. */
export async function emmettCount(peer: EmmettPeer, streamId: string): Promise<void> {
  await handle(peer.store, streamId, (state): Counted => ({ type: 'Counted', data: { by: 1, total: state.total + 1 } }));
  peer.appended += 1;
}

/** Reads a stream back and checks it holds exactly `expected` events with versions 1..expected in order. */
export async function emmettCheckStream(peer: EmmettPeer, streamId: string, expected: number): Promise<void> {
  const { events } = await peer.store.readStream<Counted>(streamId);
  const versions = events.map((e) => Number(e.metadata.streamPosition));
  if (events.length !== expected || versions.some((v, i) => v !== i + 1)) {
    throw new Error(`emmett stream ${streamId}: ${events.length} events, expected ${expected} in order`);
  }
}

/** A reader of the whole log that pages the way Emmett's batch puller does: after = the last message's position. */
export class EmmettLogReader {
  readonly positions: bigint[] = [];
  private after: bigint | undefined;

  constructor(private readonly peer: EmmettPeer, private readonly limit: number) {}

  /** Reads pages until one comes back empty; returns how many messages it read. */
  async catchUp(): Promise<number> {
    let read = 0;
    for (;;) {
      const options = this.after === undefined ? { from: 0n, batchSize: this.limit } : { after: this.after, batchSize: this.limit };
      const page = await readMessagesBatch<Counted>(this.peer.reader.execute, options);
      if (page.messages.length === 0) return read;
      for (const m of page.messages) this.positions.push(m.metadata.globalPosition);
      read += page.messages.length;
      this.after = page.messages[page.messages.length - 1].metadata.globalPosition;
    }
  }
}
