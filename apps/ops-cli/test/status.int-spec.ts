import { randomBytes } from 'node:crypto';
import { EventStore, runEventStoreMigrations } from '@orders/event-store';
import { provisionTopics } from '@orders/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { runCli } from '../src/cli';
import { EXIT } from '../src/exit-codes';
import { runProjectorOperation } from '../src/projector-operations';
import { capture } from './capture';
import { createStoreDatabase, dropDatabases } from './databases';

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
jest.setTimeout(120_000);

// A marketplace-cancellations database with a relay behind the head of its log and a projection at it, timers due and
// not, and on the broker a consumer group two messages behind and a dead letter: what `status` has to show.
describe('ops status shows subscriptions, leases, relay and consumer lag, timers, calls to Market, dead letters', () => {
  const id = randomBytes(4).toString('hex');
  const database = `ops_status_${id}`;
  const prefix = `ops-status-${id}`;
  const topic = `${prefix}-orders`;
  const env: Record<string, string> = {};
  let url: string;

  beforeAll(async () => {
    url = await createStoreDatabase(database);
    env.MARKETPLACE_DATABASE_URL = url;
    const store = new EventStore({
      connection: { connectionString: url, max: 2 },
      notifications: { listen: false, publish: false },
    });
    await store.append(
      'marketplace_order-7-1',
      'no_stream',
      [1, 2, 3, 4, 5].map((n) => ({ type: 'Counted', data: { n } })),
    );
    await store.close();
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      await pool.query(`INSERT INTO event_store.subscriptions (name, transaction_id, global_position, lease_owner, lease_expires_at)
        SELECT 'marketplace-cancellations-relay', transaction_id, global_position, 'host-a:4242', now() + interval '1 minute'
          FROM event_store.events WHERE stream_version = 2`);
      await pool.query(`INSERT INTO event_store.subscriptions (name, transaction_id, global_position, lease_owner, lease_expires_at)
        SELECT 'cancellation-read-model', transaction_id, global_position, 'host-b:1', now() - interval '1 minute'
          FROM event_store.events WHERE stream_version = 5`);
      // The columns status reads of the service's migration 1767500000000.
      await pool.query(
        `CREATE TABLE cancellation_timers (request_id text PRIMARY KEY, due_at timestamptz NOT NULL, state text NOT NULL, attempts integer NOT NULL DEFAULT 0)`,
      );
      await pool.query(`INSERT INTO cancellation_timers VALUES ('r1', now() - interval '2 hours', 'SCHEDULED', 0), ('r2', now() - interval '1 hour', 'SCHEDULED', 3),
        ('r3', now() + interval '1 day', 'SCHEDULED', 0), ('r4', now() - interval '3 hours', 'FIRED', 0)`);
      // The connector's outbox as the service's migration 1767900000000 makes it: calls sent, refused, retrying.
      await pool.query(`CREATE TABLE market_outbox (id bigserial PRIMARY KEY, operation text NOT NULL,
        campaign_id text NOT NULL, order_id text NOT NULL, cause_id text NOT NULL, body jsonb,
        state text NOT NULL DEFAULT 'PENDING',
        decided_at timestamptz NOT NULL, next_attempt_at timestamptz NOT NULL, attempts integer NOT NULL DEFAULT 0,
        last_status integer, last_error text, sent_at timestamptz)`);
      await pool.query(`INSERT INTO market_outbox (operation, campaign_id, order_id, cause_id, state, decided_at,
          next_attempt_at, attempts, last_status, last_error, sent_at) VALUES
        ('acceptOrderCancellation', '7', '1', 'q1', 'SENT', now(), now(), 1, 200, NULL, now()),
        ('getOrder', '7', '1', 'order-created', 'SENT', now(), now(), 1, 200, NULL, now()),
        ('acceptOrderCancellation', '7', '2', 'q2', 'REFUSED', now(), now(), 1, 400,
          'ORDER_IS_NOT_IN_DELIVERY: not in delivery', now() - interval '1 hour'),
        ('acceptOrderCancellation', '7', '3', 'q3', 'PENDING', now(), now() + interval '5 minutes', 2, 503,
          'SERVICE_UNAVAILABLE: try later', NULL),
        ('acceptOrderCancellation', '7', '4', 'q4', 'PENDING', now(), now(), 0, NULL, NULL, NULL)`);
      // The projector's side in the same scratch database: read models with a rebuild under way, and its state outbox.
      await runProjectorOperation('migrate', { connection: url, schema: 'projector' }, {});
      await pool.query(
        `INSERT INTO projector.rebuilds (projection, version, status, processed, total) VALUES ('order-summary', 2, 'running', 40, 100)`,
      );
      await runEventStoreMigrations(url, 'state_outbox');
      await pool.query(`INSERT INTO state_outbox.subscriptions (name) VALUES ('projector-order-state')`);
    } finally {
      await pool.end();
    }
    await provisionTopics({ brokers: BROKERS, logLevel: 'nothing' }, [
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const kafka = new Kafka({ brokers: [BROKERS], clientId: 'ops-status-it', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [1, 2, 3].map((n) => ({ key: 'k', value: String(n) })) });
    await producer.send({ topic: `${topic}.dlq`, messages: [{ key: 'k', value: 'poison' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: `${prefix}-group`, topic, partitions: [{ partition: 0, offset: '1' }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await dropDatabases([database]);
  });

  const run = async (args: string[]) => {
    const io = capture();
    const code = await runCli(
      [
        'status',
        '--service',
        'marketplace-cancellations',
        '--prefix',
        prefix,
        '--brokers',
        BROKERS,
        '--database-url',
        url,
        ...args,
      ],
      io,
      env,
    );
    return { code, io, text: () => io.stdout.join('\n'), json: () => JSON.parse(io.stdout.join('\n')) };
  };

  it('reports them as JSON', async () => {
    const result = await run(['--json']);
    expect(result.code).toBe(EXIT.ok);
    const report = result.json();
    expect(report.services).toHaveLength(1);
    expect(report.services[0].subscriptions).toEqual([
      expect.objectContaining({
        name: 'cancellation-read-model',
        kind: 'projection',
        behind: 0,
        leaseOwner: null,
        headPosition: expect.any(String),
      }),
      expect.objectContaining({
        name: 'marketplace-cancellations-relay',
        kind: 'relay',
        behind: 3,
        leaseOwner: 'host-a:4242',
        leaseExpiresAt: expect.any(String),
      }),
    ]);
    expect(report.services[0].timers).toMatchObject({
      scheduled: 3,
      due: 2,
      failing: 1,
      oldestDueAt: expect.any(String),
    });
    expect(report.services[0].marketCalls).toEqual({
      service: 'marketplace-cancellations',
      byState: { PENDING: 2, SENT: 2, REFUSED: 1 },
      retrying: 1,
      // The latest first: the one tried again in 5 minutes, then the refusal of an hour ago.
      lastFailures: [
        expect.objectContaining({
          orderId: '3',
          state: 'PENDING',
          attempts: 2,
          status: 503,
          error: 'SERVICE_UNAVAILABLE: try later',
        }),
        expect.objectContaining({ orderId: '2', state: 'REFUSED', attempts: 1, status: 400, campaignId: '7' }),
      ],
    });
    expect(report.consumerGroups).toEqual([{ groupId: `${prefix}-group`, topic, lag: 2, partitions: 1 }]);
    expect(report.deadLetters).toEqual([{ dlqTopic: `${topic}.dlq`, origin: topic, letters: 1, handled: 0, open: 1 }]);
    expect(report.errors).toEqual([]);
  });

  it('reports the projector: its outbox relay, serving read-model version and a rebuild under way', async () => {
    const io = capture();
    expect(
      await runCli(
        ['status', '--service', 'projector', '--prefix', prefix, '--brokers', BROKERS, '--database-url', url, '--json'],
        io,
        env,
      ),
    ).toBe(EXIT.ok);
    const report = JSON.parse(io.stdout.join('\n'));
    expect(report.services).toEqual([
      expect.objectContaining({
        service: 'projector',
        subscriptions: [
          expect.objectContaining({ name: 'projector-order-state', kind: 'relay', checkpoint: '0/0', behind: 0 }),
        ],
        readModels: [
          expect.objectContaining({
            projection: 'order-summary',
            servingVersion: 1,
            rebuild: expect.objectContaining({ version: 2, processed: 40, total: 100 }),
          }),
        ],
      }),
    ]);
  });

  it('reports them as tables, and exits 3 naming what it could not reach', async () => {
    const table = (await run([])).text();
    expect(table).toMatch(
      /marketplace-cancellations\s+marketplace-cancellations-relay\s+relay\s+\d+\/\d+\s+\d+\s+3\s+host-a:4242/,
    );
    expect(table).toMatch(/marketplace-cancellations\s+3\s+2\s+\S+\s+1/);
    expect(table).toMatch(/calls to Market[^\n]*\n.*\n.*\nmarketplace-cancellations\s+2\s+1\s+2\s+1/);
    expect(table).toMatch(
      /7\s+2\s+acceptOrderCancellation\s+REFUSED\s+1\s+400\s+ORDER_IS_NOT_IN_DELIVERY: not in delivery/,
    );
    expect(table).toMatch(new RegExp(`${prefix}-group\\s+${topic}\\s+1\\s+2`));
    expect(table).toMatch(new RegExp(`${topic}.dlq\\s+1\\s+0\\s+1`));
    const io = capture();
    const code = await runCli(
      ['status', '--service', 'intake', '--prefix', prefix, '--brokers', BROKERS, '--database-url', url],
      io,
      { INTAKE_DATABASE_URL: url.replace(database, `${database}_missing`) },
    );
    expect(code).toBe(EXIT.unavailable);
    expect(io.stderr.join('\n')).toMatch(/ops: intake: .*does not exist/);
  });
});
