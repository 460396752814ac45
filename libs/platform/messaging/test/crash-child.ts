// A consumer process for the crash tests. CRASH_WHEN=after-commit (default): it handles messages until the one named
// by CRASH_AT has committed its effect, says so on stdout and hangs before that offset is committed. before-commit:
// the handler of CRASH_AT writes its effect, says so and hangs inside the open inbox transaction. Either way it waits
// for the parent's SIGKILL.
import { Pool } from 'pg';
import { createConsumer } from '../src';
import { applyEffectSql, kafkaOptions } from './support';

async function main(): Promise<void> {
  const { TOPIC, GROUP, SCHEMA, DATABASE_URL, CRASH_AT, CRASH_WHEN } = process.env as Record<string, string>;
  const beforeCommit = CRASH_WHEN === 'before-commit';
  const hang = () => new Promise<never>(() => undefined);
  const pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
  const consumer = createConsumer({
    kafka: kafkaOptions(),
    groupId: GROUP,
    topics: [TOPIC],
    pool,
    inboxSchema: SCHEMA,
    sessionTimeoutMs: 3000,
    handle: async (message, { tx }) => {
      await tx.query(applyEffectSql(SCHEMA), [message.id, message.key, (message.payload as { n: number }).n]);
      if (!beforeCommit || message.id !== CRASH_AT) return;
      process.stdout.write(`effect-written ${message.id}\n`);
      await hang(); // the transaction stays open: the kill rolls it back
    },
    onHandled: async (message) => {
      if (beforeCommit || message.id !== CRASH_AT) return;
      process.stdout.write(`effect-committed ${message.id}\n`);
      await hang(); // the offset is not committed before the kill
    },
  });
  await consumer.start();
}

void main();
