// The inbox forgets messages handled longer ago than its retention, in short batches that never wait on a locked
// row, and a running consumer does it by itself.
import { register } from 'prom-client';
import { createConsumer, HEADER, provisionTopics, pruneInbox, runMessagingMigrations, type Consumer } from '../src';
import { consumerSide, kafkaOptions, unique, until, upstream, type ConsumerSide } from './support';

const DAY_MS = 86_400_000;
let side: ConsumerSide;
let consumer: Consumer | undefined;

beforeAll(async () => {
  side = await consumerSide('prune');
  await runMessagingMigrations(side.pool.options, side.schema);
});

afterAll(async () => {
  await consumer?.stop();
  await side?.drop();
});

/** `count` inbox rows of a group handled `ageMs` ago (by the database clock); their ids. */
async function seed(groupId: string, count: number, ageMs: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => unique('m'));
  await side.pool.query(
    `INSERT INTO "${side.schema}".inbox (group_id, message_id, topic, partition, "offset", event_type, handled_at)
    SELECT $1, id, 't', 0, n, 'Seeded', clock_timestamp() - $3::bigint * interval '1 millisecond'
    FROM unnest($2::text[]) WITH ORDINALITY AS s(id, n)`,
    [groupId, ids, ageMs],
  );
  return ids;
}

async function rows(groupId: string): Promise<string[]> {
  const { rows: found } = await side.pool.query(`SELECT message_id FROM "${side.schema}".inbox WHERE group_id = $1`, [
    groupId,
  ]);
  return found.map((r: { message_id: string }) => r.message_id).sort();
}

async function prunedMetric(group: string): Promise<number> {
  const metric = register.getSingleMetric('messaging_inbox_pruned_total');
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => v.labels.group === group)?.value ?? 0;
}

it('deletes only rows past the retention, of one group or of all, in batches, and counts them', async () => {
  const [a, b] = [unique('group-a'), unique('group-b')];
  await seed(a, 7, 10 * DAY_MS);
  const freshA = await seed(a, 3, 0);
  const oldB = await seed(b, 4, 10 * DAY_MS);
  const before = await prunedMetric(a);

  expect(
    await pruneInbox({ pool: side.pool, schema: side.schema, groupId: a, retentionMs: DAY_MS, batchSize: 3 }),
  ).toBe(7);
  expect(await rows(a)).toEqual([...freshA].sort());
  expect(await rows(b)).toEqual([...oldB].sort()); // another group's rows are its own consumer's business
  expect((await prunedMetric(a)) - before).toBe(7);

  // every group (the ops tool's run), bounded to one statement per call
  const beforeAll = await prunedMetric('*');
  expect(
    await pruneInbox({ pool: side.pool, schema: side.schema, retentionMs: DAY_MS, batchSize: 3, maxBatches: 1 }),
  ).toBe(3);
  expect(await pruneInbox({ pool: side.pool, schema: side.schema, retentionMs: DAY_MS, batchSize: 3 })).toBe(1);
  expect(await rows(b)).toEqual([]);
  expect(await rows(a)).toEqual([...freshA].sort());
  expect((await prunedMetric('*')) - beforeAll).toBe(4);
});

it('skips a row another transaction holds instead of waiting for it', async () => {
  const group = unique('group-locked');
  const [held, ...others] = await seed(group, 5, 10 * DAY_MS);
  const holder = await side.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "${side.schema}".inbox WHERE group_id = $1 AND message_id = $2 FOR UPDATE`, [
      group,
      held,
    ]);
    // returns while the lock is held: a blocked DELETE would hang here until the test timed out
    expect(
      await pruneInbox({ pool: side.pool, schema: side.schema, groupId: group, retentionMs: DAY_MS, batchSize: 2 }),
    ).toBe(others.length);
    expect(await rows(group)).toEqual([held]);
  } finally {
    await holder.query('ROLLBACK');
    holder.release();
  }
  expect(await pruneInbox({ pool: side.pool, schema: side.schema, groupId: group, retentionMs: DAY_MS })).toBe(1);
});

it('is run by a consumer while it runs, keeping what it handled within the retention', async () => {
  const topic = unique('msg-it.prune');
  await provisionTopics(kafkaOptions(), [{ topic, partitions: 1 }]);
  const groupId = unique('it-prune');
  const old = await seed(groupId, 25, 40 * DAY_MS); // past the default retention of 35 days
  const kept = await seed(groupId, 2, 30 * DAY_MS);
  const handled: string[] = [];
  consumer = createConsumer({
    kafka: kafkaOptions(),
    groupId,
    topics: [topic],
    pool: side.pool,
    inboxSchema: side.schema,
    provisionDeadLetterTopics: false,
    inboxPruning: { intervalMs: 200, batchSize: 10 }, // default retention
    handle: async (message) => {
      handled.push(message.id);
    },
  });
  await consumer.start();
  const source = await upstream();
  try {
    await source.send(topic, [
      { key: 'order-1', value: '{}', headers: { [HEADER.eventId]: 'fresh-1', [HEADER.eventType]: 'Fine' } },
    ]);
  } finally {
    await source.close();
  }
  await until(
    'the message handled and the old rows pruned',
    async () => handled.includes('fresh-1') && (await rows(groupId)).length === kept.length + 1,
    20_000,
  );
  const left = await rows(groupId);
  expect(left).toEqual([...kept, 'fresh-1'].sort());
  expect(left.some((id) => old.includes(id))).toBe(false);
}, 60_000);
