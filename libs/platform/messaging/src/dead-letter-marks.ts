import type { Pool } from 'pg';

/**
 * Which dead letters an operator has dealt with, and who and when. Kafka keeps letters immutable, so the mark lives
 * beside them: one row per letter in PostgreSQL (schema `ops` of the read-model database, where the ops CLI and the
 * projector's operations routes both read and write it). Chosen over a compacted `<topic>.dlq.handled` topic because
 * a row is written and read back in one statement, marking twice is a plain upsert, and reading the marks needs no
 * throwaway consumer group and no read to the end of a topic.
 */
export interface HandledMark {
  dlqTopic: string;
  partition: number;
  offset: string;
  action: 'redriven' | 'resolved';
  by: string;
  at: string;
  note: string | null;
  /** Where a redrive sent it: `topic/partition@offset`. */
  redrivenTo: string | null;
}

export const DEFAULT_HANDLED_SCHEMA = 'ops';

const quoted = (schema: string): string => `"${schema.replace(/"/g, '""')}"`;
/** 42P01 undefined table, 3F000 undefined schema: nothing was ever marked here. */
const isMissingRelation = (error: unknown): boolean =>
  ['42P01', '3F000'].includes((error as { code?: string }).code ?? '');

export class DeadLetterMarks {
  private ready: Promise<void> | undefined;

  constructor(
    protected readonly pool: Pool,
    private readonly schema: string = DEFAULT_HANDLED_SCHEMA,
  ) {}

  private get table(): string {
    return `${quoted(this.schema)}.dead_letter_marks`;
  }

  /** Created on first use: the CLI has no deploy step; the table belongs to no one service's migrations. */
  private ensure(): Promise<void> {
    this.ready ??= (async () => {
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoted(this.schema)}`).catch(ignoreRace);
      await this.pool
        .query(
          `CREATE TABLE IF NOT EXISTS ${this.table} (
        dlq_topic   text NOT NULL,
        partition   integer NOT NULL,
        "offset"    bigint NOT NULL,
        action      text NOT NULL CHECK (action IN ('redriven', 'resolved')),
        handled_by  text NOT NULL,
        handled_at  timestamptz NOT NULL DEFAULT now(),
        note        text,
        redriven_to text,
        PRIMARY KEY (dlq_topic, partition, "offset")
      )`,
        )
        .catch(ignoreRace);
    })();
    return this.ready;
  }

  async mark(mark: Omit<HandledMark, 'at'>): Promise<HandledMark> {
    await this.ensure();
    const { rows } = await this.pool.query<{ at: Date }>(
      `INSERT INTO ${this.table} (dlq_topic, partition, "offset", action, handled_by, note, redriven_to) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (dlq_topic, partition, "offset") DO UPDATE SET action = excluded.action, handled_by = excluded.handled_by,
         handled_at = now(), note = coalesce(excluded.note, ${this.table}.note), redriven_to = coalesce(excluded.redriven_to, ${this.table}.redriven_to)
       RETURNING handled_at AS at`,
      [mark.dlqTopic, mark.partition, mark.offset, mark.action, mark.by, mark.note, mark.redrivenTo],
    );
    return { ...mark, at: (rows[0] as { at: Date }).at.toISOString() };
  }

  /** The marks of the given dead-letter topics, keyed `topic/partition@offset`. Reading never creates the table. */
  async of(dlqTopics: readonly string[]): Promise<Map<string, HandledMark>> {
    const { rows } = await this.pool
      .query<{
        dlq_topic: string;
        partition: number;
        offset: string;
        action: HandledMark['action'];
        handled_by: string;
        handled_at: Date;
        note: string | null;
        redriven_to: string | null;
      }>(
        `SELECT dlq_topic, partition, "offset"::text AS "offset", action, handled_by, handled_at, note, redriven_to FROM ${this.table} WHERE dlq_topic = ANY($1)`,
        [dlqTopics],
      )
      .catch((error: unknown) => {
        if (isMissingRelation(error)) return { rows: [] }; // nothing was ever marked here
        throw error;
      });
    return new Map(
      rows.map((r) => [
        letterKey(r.dlq_topic, r.partition, r.offset),
        {
          dlqTopic: r.dlq_topic,
          partition: r.partition,
          offset: r.offset,
          action: r.action,
          by: r.handled_by,
          at: r.handled_at.toISOString(),
          note: r.note,
          redrivenTo: r.redriven_to,
        },
      ]),
    );
  }
}

export const letterKey = (dlqTopic: string, partition: number, offset: string): string =>
  `${dlqTopic}/${partition}@${offset}`;

// Two writers creating the schema or table at once: the loser sees a unique violation on the catalog.
function ignoreRace(error: unknown): void {
  if (!['23505', '42P07', '42P06'].includes((error as { code?: string }).code ?? '')) throw error;
}
