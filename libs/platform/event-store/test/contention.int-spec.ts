// Mandatory contention test (architecture rule 3): many concurrent writers, with random delays inside open
// transactions, rollbacks, writers racing on the same streams, and transactions that write other rows before
// their events, while a subscription tails the log (handing over between two runners half-way). Every committed
// event must be delivered exactly once, in each stream's order, and no rolled-back event ever.
// CI size by default; STRESS=1 runs 16 writers x 10k events each.
import { Client } from 'pg';
import { AppendNotFirstWrite, ConcurrencyError, type EventInput, type EventStore, type Subscription } from '../src';
import { createTestEventStore, type TestEventStore } from '../testing';
import { pause, waitFor } from './fixtures';

const STRESS = process.env.STRESS === '1';
const WRITERS = 16;
const EVENTS_PER_WRITER = STRESS ? 10_000 : 60;
const MAX_BATCH = STRESS ? 10 : 4;
const MAX_DELAY_MS = STRESS ? 2 : 6;
const STREAMS = 8; // shared by all writers, so they collide
const SEED = Number(process.env.CONTENTION_SEED ?? Math.floor(Math.random() * 2 ** 31));

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tally {
  committed: string[];
  rolledBack: string[];
  conflicts: number;
  guardCaught: number;
  anyConflictsInTransactions: number;
}

let fixture: TestEventStore;
let store: EventStore;
let sql: Client;

beforeAll(async () => {
  fixture = await createTestEventStore({ prefix: 'contention', poolSize: 10 });
  store = fixture.store;
  sql = new Client({ connectionString: fixture.connectionString });
  await sql.connect();
  await sql.query(`SET search_path TO "${fixture.schema}"`);
  await sql.query('CREATE TABLE inbox (message_id text PRIMARY KEY)');
  await sql.query(`CREATE TABLE delivered (event_id uuid PRIMARY KEY, stream_id text NOT NULL, stream_version bigint NOT NULL,
                   runner text NOT NULL, seq bigserial)`);
  // Schema and pool set-up: well under a second alone, past jest's 5 s default on a loaded machine.
}, 60_000);

afterAll(async () => {
  await sql?.end();
  await fixture?.drop();
});

async function writer(index: number, random: () => number, tally: Tally): Promise<void> {
  const client = new Client({ connectionString: fixture.connectionString });
  await client.connect();
  const inbox = `"${fixture.schema}".inbox`;
  const delay = () => pause(Math.floor(random() * (MAX_DELAY_MS + 1)));
  let written = 0;
  let message = 0;
  try {
    while (written < EVENTS_PER_WRITER) {
      const streamId = `cont-${Math.floor(random() * STREAMS)}`;
      const events: EventInput[] = Array.from({ length: 1 + Math.floor(random() * MAX_BATCH) }, (_, i) => ({
        type: 'Tick',
        data: { writer: index, n: written + i },
      }));
      const ids = (result: { events: Array<{ eventId: string }> }) => result.events.map((e) => e.eventId);
      const roll = random();
      try {
        if (roll < 0.3) {
          // Autocommit, any version.
          tally.committed.push(...ids(await store.append(streamId, 'any', events)));
          written += events.length;
        } else if (roll < 0.45) {
          // Autocommit at the version just read: loses to other writers now and then.
          const version = await store.streamVersion(streamId);
          await delay();
          tally.committed.push(...ids(await store.append(streamId, version, events)));
          written += events.length;
        } else if (roll < 0.9) {
          // The caller's transaction: a read, delays, the append first, an inbox row after, commit or roll back.
          const exact = random() < 0.3;
          await client.query('BEGIN');
          try {
            const version = exact
              ? Number(
                  (
                    await client.query(`SELECT version FROM "${fixture.schema}".streams WHERE stream_id = $1`, [
                      streamId,
                    ])
                  ).rows[0]?.version ?? 0,
                )
              : 0;
            await delay();
            const result = await store.appendWithin(client, streamId, exact ? version : 'any', events);
            await delay();
            await client.query(`INSERT INTO ${inbox} VALUES ($1)`, [`w${index}-m${message++}`]);
            await delay();
            if (random() < 0.2) {
              await client.query('ROLLBACK');
              tally.rolledBack.push(...ids(result));
            } else {
              await client.query('COMMIT');
              tally.committed.push(...ids(result));
              written += events.length;
            }
          } catch (error) {
            await client.query('ROLLBACK');
            if (error instanceof ConcurrencyError && !exact) tally.anyConflictsInTransactions += 1;
            throw error;
          }
        } else {
          // Wrong order: another row first, then the append. The guard must refuse it.
          await client.query('BEGIN');
          try {
            await client.query(`INSERT INTO ${inbox} VALUES ($1)`, [`w${index}-m${message++}`]);
            await delay();
            await store.appendWithin(client, streamId, 'any', events);
            throw new Error('the append after another write was accepted');
          } catch (error) {
            if (!(error instanceof AppendNotFirstWrite)) throw error;
            tally.guardCaught += 1;
          } finally {
            await client.query('ROLLBACK');
          }
        }
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        tally.conflicts += 1;
      }
    }
  } finally {
    await client.end();
  }
}

describe('contention', () => {
  it(
    `delivers every committed event exactly once, in stream order (${WRITERS} writers x ${EVENTS_PER_WRITER} events, seed ${SEED})`,
    async () => {
      const tally: Tally = {
        committed: [],
        rolledBack: [],
        conflicts: 0,
        guardCaught: 0,
        anyConflictsInTransactions: 0,
      };
      const errors: unknown[] = [];
      const runner = (owner: string): Subscription =>
        store.subscribe(
          'tail',
          async (events, tx) => {
            await tx.query(
              `INSERT INTO "${fixture.schema}".delivered (event_id, stream_id, stream_version, runner)
                      SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[])`,
              [
                events.map((e) => e.eventId),
                events.map((e) => e.streamId),
                events.map((e) => e.streamVersion),
                events.map(() => owner),
              ],
            );
          },
          { owner, batchSize: 50, pollIntervalMs: 200, leaseMs: 3000, onError: (error) => errors.push(error) },
        );

      const first = runner('runner-1');
      const second = runner('runner-2');
      await first.start();
      await waitFor(() => first.isLeader(), 'the first runner to lead');
      await second.start();

      const writers = Array.from({ length: WRITERS }, (_, i) => writer(i, mulberry32(SEED + i + 1), tally));
      // Hand the subscription over while the writers are busy.
      await waitFor(
        async () => Number((await sql.query('SELECT count(*) FROM delivered')).rows[0].count) > 0,
        'the first deliveries',
        60_000,
      );
      await first.stop();
      await Promise.all(writers);

      const committed = tally.committed.length;
      const deadline = STRESS ? 600_000 : 60_000;
      await waitFor(
        async () => Number((await sql.query('SELECT count(*) FROM delivered')).rows[0].count) >= committed,
        `${committed} deliveries`,
        deadline,
      );
      await second.stop();
      if (STRESS || process.env.CONTENTION_VERBOSE) {
        console.info(
          `contention seed ${SEED}: ${committed} committed, ${tally.rolledBack.length} rolled back, ` +
            `${tally.conflicts} version conflicts, ${tally.guardCaught} wrong-order transactions refused`,
        );
      }

      expect(errors).toEqual([]);
      const delivered = (
        await sql.query('SELECT event_id, stream_id, stream_version::int AS v, runner FROM delivered ORDER BY seq')
      ).rows as Array<{ event_id: string; stream_id: string; v: number; runner: string }>;
      // Exactly once, and exactly what committed.
      expect(delivered).toHaveLength(committed);
      expect(new Set(delivered.map((d) => d.event_id))).toEqual(new Set(tally.committed));
      const stored = (await sql.query('SELECT event_id FROM events')).rows.map((r) => r.event_id);
      expect(new Set(stored)).toEqual(new Set(tally.committed));
      const rolledBack = new Set(tally.rolledBack);
      expect(delivered.filter((d) => rolledBack.has(d.event_id))).toEqual([]);
      // Each stream in version order, without gaps.
      const byStream = new Map<string, number[]>();
      for (const d of delivered) byStream.set(d.stream_id, [...(byStream.get(d.stream_id) ?? []), d.v]);
      for (const [, versions] of byStream) expect(versions).toEqual(versions.map((_, i) => i + 1));
      // Delivery order is the commit-safe order of the log.
      const logOrder = (
        await sql.query('SELECT event_id FROM events ORDER BY transaction_id, global_position')
      ).rows.map((r) => r.event_id);
      expect(delivered.map((d) => d.event_id)).toEqual(logOrder);
      // Both runners worked, one after the other.
      expect(new Set(delivered.map((d) => d.runner))).toEqual(new Set(['runner-1', 'runner-2']));
      const handover = delivered.findIndex((d) => d.runner === 'runner-2');
      expect(delivered.slice(handover).every((d) => d.runner === 'runner-2')).toBe(true);
      // The scenarios all happened; 'any' appends never lost a commit-order race.
      expect(tally.rolledBack.length).toBeGreaterThan(0);
      expect(tally.guardCaught).toBeGreaterThan(0);
      expect(tally.anyConflictsInTransactions).toBe(0);
      expect((await store.verifyAll()).ok).toBe(true);
    },
    STRESS ? 1_800_000 : 120_000,
  );
});
