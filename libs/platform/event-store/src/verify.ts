import { chainHash, storedContentHash } from './hash-chain';
import type { Queryable } from './queryable';

export type BrokenLinkReason =
  | 'hash_mismatch'       // the row's content or identity no longer matches its hash
  | 'prev_hash_mismatch'  // the row does not point at the hash of the event before it
  | 'version_gap'         // a version is missing (an event was deleted) or out of place
  | 'head_mismatch'       // the stream row's version or head hash disagrees with the last event
  | 'missing_stream_row'; // events whose stream row is gone

export interface BrokenLink {
  streamId: string;
  /** The first version at which the chain no longer holds. */
  streamVersion: number;
  eventId?: string;
  globalPosition?: string;
  reason: BrokenLinkReason;
  message: string;
}

export interface VerificationResult {
  ok: boolean;
  checkedStreams: number;
  checkedEvents: number;
  /** The first broken link found (streams in id order, events in version order). */
  firstBroken?: BrokenLink;
  /** The first broken link of each broken stream, up to the limit asked for. */
  broken: BrokenLink[];
}

interface ChainRow {
  stream_id: string;
  stream_version: string;
  event_id: string;
  global_position: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  occurred_at: Date;
  hash: Buffer;
  prev_hash: Buffer | null;
  head_version: string | null;
  head_hash: Buffer | null;
}

/** Walks one stream's events in version order and finds the first link that does not hold. */
class ChainCheck {
  private previous: Buffer | null = null;
  private lastVersion = 0;
  broken: BrokenLink | undefined;

  constructor(readonly streamId: string, private readonly head: { version: number; hash: Buffer | null } | null) {}

  feed(row: ChainRow): void {
    if (this.broken) return;
    const version = Number(row.stream_version);
    const at = { streamId: this.streamId, streamVersion: version, eventId: row.event_id, globalPosition: row.global_position };
    if (!this.head) {
      this.broken = { ...at, reason: 'missing_stream_row', message: `stream ${this.streamId} has events but no stream row` };
      return;
    }
    if (version !== this.lastVersion + 1) {
      this.broken = { ...at, streamVersion: this.lastVersion + 1, reason: 'version_gap',
        message: `stream ${this.streamId}: version ${this.lastVersion + 1} is missing (next found is ${version})` };
      return;
    }
    if (!sameBytes(row.prev_hash, this.previous)) {
      this.broken = { ...at, reason: 'prev_hash_mismatch', message: `stream ${this.streamId} v${version}: does not link to the hash of v${version - 1}` };
      return;
    }
    const content = storedContentHash({
      eventId: row.event_id, streamId: row.stream_id, type: row.type, schemaVersion: row.schema_version,
      occurredAt: row.occurred_at, data: row.data, metadata: row.metadata,
    });
    if (!chainHash(this.previous, version, content).equals(row.hash)) {
      this.broken = { ...at, reason: 'hash_mismatch', message: `stream ${this.streamId} v${version} (event ${row.event_id}): content does not match its hash` };
      return;
    }
    this.previous = row.hash;
    this.lastVersion = version;
  }

  finish(): void {
    if (this.broken || !this.head) return;
    if (this.head.version !== this.lastVersion || !sameBytes(this.head.hash, this.previous)) {
      this.broken = { streamId: this.streamId, streamVersion: this.lastVersion + 1, reason: 'head_mismatch',
        message: `stream ${this.streamId}: the stream row says version ${this.head.version}, the chain ends at ${this.lastVersion}` +
          (this.head.version === this.lastVersion ? ' with another hash' : '') };
    }
  }
}

const sameBytes = (a: Buffer | null, b: Buffer | null): boolean => (a === null || b === null ? a === b : a.equals(b));

const PAGE = 2000;

export class Verifier {
  private readonly S: string;
  constructor(schema: string) {
    this.S = `"${schema}"`;
  }

  private columns = `e.stream_id, e.stream_version, e.event_id, e.global_position, e.type, e.schema_version, e.data, e.metadata,
    e.occurred_at, e.hash, e.prev_hash, s.version AS head_version, s.head_hash`;

  async verifyStream(q: Queryable, streamId: string): Promise<VerificationResult> {
    const head = await q.query<{ version: string; head_hash: Buffer | null }>({
      text: `SELECT version, head_hash FROM ${this.S}.streams WHERE stream_id = $1`, values: [streamId] });
    const check = new ChainCheck(streamId, head.rows[0] ? { version: Number(head.rows[0].version), hash: head.rows[0].head_hash } : null);
    let after = 0;
    let events = 0;
    for (;;) {
      const { rows } = await q.query<ChainRow>({
        text: `SELECT ${this.columns} FROM ${this.S}.events e LEFT JOIN ${this.S}.streams s ON s.stream_id = e.stream_id
               WHERE e.stream_id = $1 AND e.stream_version > $2 ORDER BY e.stream_version LIMIT ${PAGE}`,
        values: [streamId, after],
      });
      for (const row of rows) check.feed(row);
      events += rows.length;
      if (rows.length < PAGE || check.broken) break;
      after = Number(rows[rows.length - 1].stream_version);
    }
    if (!head.rows[0] && events === 0) return { ok: true, checkedStreams: 0, checkedEvents: 0, broken: [] };
    check.finish();
    return result(1, events, check.broken ? [check.broken] : []);
  }

  /** Every stream, in stream id order; stops collecting after `limit` broken streams (default 100). */
  async verifyAll(q: Queryable, options: { limit?: number } = {}): Promise<VerificationResult> {
    const limit = options.limit ?? 100;
    const broken: BrokenLink[] = [];
    let check: ChainCheck | undefined;
    let streams = 0;
    let events = 0;
    const close = () => {
      if (!check) return;
      check.finish();
      if (check.broken) broken.push(check.broken);
    };
    let cursor: [string, number] | undefined;
    while (broken.length < limit) {
      const { rows } = await q.query<ChainRow>({
        text: `SELECT ${this.columns} FROM ${this.S}.events e LEFT JOIN ${this.S}.streams s ON s.stream_id = e.stream_id
               ${cursor ? 'WHERE (e.stream_id, e.stream_version) > ($1, $2)' : ''}
               ORDER BY e.stream_id, e.stream_version LIMIT ${PAGE}`,
        values: cursor ?? [],
      });
      for (const row of rows) {
        if (!check || check.streamId !== row.stream_id) {
          close();
          streams += 1;
          check = new ChainCheck(row.stream_id, row.head_version === null ? null : { version: Number(row.head_version), hash: row.head_hash });
        }
        check.feed(row);
      }
      events += rows.length;
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      cursor = [last.stream_id, Number(last.stream_version)];
    }
    close();
    // Stream rows whose every event is gone.
    const empty = await q.query<{ stream_id: string; version: string }>({
      text: `SELECT s.stream_id, s.version FROM ${this.S}.streams s
             WHERE s.version > 0 AND NOT EXISTS (SELECT 1 FROM ${this.S}.events e WHERE e.stream_id = s.stream_id)
             ORDER BY s.stream_id LIMIT $1`,
      values: [limit],
    });
    for (const row of empty.rows) {
      streams += 1;
      broken.push({ streamId: row.stream_id, streamVersion: 1, reason: 'version_gap',
        message: `stream ${row.stream_id}: the stream row says version ${row.version} but no event is left` });
    }
    broken.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    return result(streams, events, broken.slice(0, limit));
  }
}

function result(streams: number, events: number, broken: BrokenLink[]): VerificationResult {
  return { ok: broken.length === 0, checkedStreams: streams, checkedEvents: events, firstBroken: broken[0], broken };
}
