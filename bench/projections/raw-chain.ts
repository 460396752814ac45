// The raw chain e2e_sustained is measured against, as two processes of their own like intake and the projector:
// RAW_CHAIN_ROLE=http — a bare node:http POST doing one INSERT and one produce (acks=all) before answering 201;
// RAW_CHAIN_ROLE=consumer — a plain kafkajs consumer doing one INSERT per message into the watched table.
// No validation, no event store, no outbox, no inbox, no dedup: the floor of the same path.
import { createServer, type IncomingMessage } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const role = env('RAW_CHAIN_ROLE');
const schema = env('RAW_CHAIN_SCHEMA');
const topic = env('RAW_CHAIN_TOPIC');
const pool = new Pool({ connectionString: env('RAW_CHAIN_DATABASE_URL'), max: 10 });
const kafka = new Kafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: `raw-chain-${role}`, logLevel: logLevel.NOTHING });

const body = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
});

async function http(): Promise<() => Promise<void>> {
  const producer = kafka.producer();
  await producer.connect();
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(200).end('ok');
      return;
    }
    void (async () => {
      const text = await body(req);
      const { externalId } = JSON.parse(text) as { externalId: string };
      await pool.query(`INSERT INTO "${schema}".raw_orders (order_id, body) VALUES ($1, $2)`, [externalId, text]);
      await producer.send({ topic, acks: -1, messages: [{ key: externalId, value: text }] });
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ orderId: externalId }));
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(Number(env('PORT')), '127.0.0.1', resolve));
  return async () => {
    server.close();
    await producer.disconnect();
  };
}

async function consumer(): Promise<() => Promise<void>> {
  const reader = kafka.consumer({ groupId: `${topic}-raw-consumer`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => reader.on(reader.events.GROUP_JOIN, () => resolve()));
  await reader.run({ eachMessage: async ({ message }) => {
    await pool.query(`INSERT INTO "${schema}".raw_summary (order_id) VALUES ($1) ON CONFLICT DO NOTHING`, [String(message.key)]);
  } });
  await joined;
  // Live once it has joined its group: the bench starts submitting only then.
  const health = createServer((_req, res) => res.writeHead(200).end('ok'));
  await new Promise<void>((resolve) => health.listen(Number(env('PORT')), '127.0.0.1', resolve));
  return async () => {
    health.close();
    await reader.disconnect();
  };
}

(role === 'http' ? http() : consumer()).then((stop) => {
  process.once('SIGTERM', () => void stop().then(() => pool.end()).then(() => process.exit(0)));
}, (error: unknown) => {
  console.error(error);
  process.exit(1);
});
