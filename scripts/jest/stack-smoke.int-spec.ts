// The real stack answers: Kafka with an idempotent producer and a committing consumer group over three
// partitions, PostgreSQL through a TypeORM migration (never `synchronize`).
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import * as settings from '../lib/settings';

const suffix = randomBytes(4).toString('hex');

describe('real stack smoke', () => {
  const kafka = new Kafka({
    clientId: `smoke-${suffix}`,
    brokers: settings.kafka.brokers.split(','),
    logLevel: logLevel.NOTHING,
  });

  it('produces idempotently to three partitions and consumes with committed offsets', async () => {
    const topic = `smoke.${suffix}`;
    const groupId = `smoke-group-${suffix}`;
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000 });
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta.partitions).toHaveLength(3);

      await producer.connect();
      const messages = Array.from({ length: 30 }, (_, i) => ({ key: `order-${i % 7}`, value: JSON.stringify({ i }) }));
      await producer.send({ topic, acks: -1, messages });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: number[] = [];
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            seen.push(JSON.parse(message.value!.toString()).i);
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (seen.length === messages.length) resolve();
          },
        });
      });
      await done;
      expect([...seen].sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));

      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
      expect(total).toBe(messages.length);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);

  it('round-trips a row through a TypeORM migration', async () => {
    const schema = `smoke_${suffix}`;
    const url = settings.postgres.databases.INTAKE_DATABASE_URL;
    class CreateProbe1700000000000 implements MigrationInterface {
      name = 'CreateProbe1700000000000';
      async up(runner: QueryRunner): Promise<void> {
        await runner.query(`CREATE TABLE "${schema}".probe (id int PRIMARY KEY, note text NOT NULL)`);
      }
      async down(runner: QueryRunner): Promise<void> {
        await runner.query(`DROP TABLE "${schema}".probe`);
      }
    }
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const source = new DataSource({
      type: 'postgres',
      url,
      schema,
      synchronize: false,
      migrations: [CreateProbe1700000000000],
      migrationsTableName: 'migrations',
    });
    try {
      await source.initialize();
      const ran = await source.runMigrations();
      expect(ran.map((m) => m.name)).toEqual(['CreateProbe1700000000000']);
      await source.query(`INSERT INTO "${schema}".probe VALUES ($1, $2)`, [1, 'hello']);
      const rows = await source.query(`SELECT note FROM "${schema}".probe WHERE id = 1`);
      expect(rows).toEqual([{ note: 'hello' }]);
      expect(await source.runMigrations()).toEqual([]); // already applied: nothing runs twice
    } finally {
      if (source.isInitialized) await source.destroy();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    }
  }, 30_000);
});
