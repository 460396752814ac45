// A consumer process for the crash test: it handles messages until one named by CRASH_AT has committed its effect,
// says so on stdout and then hangs before that offset is committed, waiting for the parent's SIGKILL.
import { Pool } from 'pg';
import { createConsumer } from '../src';
import { applyEffectSql, kafkaOptions } from './support';

async function main(): Promise<void> {
  const { TOPIC, GROUP, SCHEMA, DATABASE_URL, CRASH_AT } = process.env as Record<string, string>;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
  const consumer = createConsumer({
    kafka: kafkaOptions(), groupId: GROUP, topics: [TOPIC], pool, inboxSchema: SCHEMA, sessionTimeoutMs: 3000,
    handle: async (message, { tx }) => {
      await tx.query(applyEffectSql(SCHEMA), [message.id, message.key, (message.payload as { n: number }).n]);
    },
    onHandled: async (message) => {
      if (message.id !== CRASH_AT) return;
      process.stdout.write(`effect-committed ${message.id}\n`);
      await new Promise(() => undefined); // never resolves: the offset is not committed before the kill
    },
  });
  await consumer.start();
}

void main();
