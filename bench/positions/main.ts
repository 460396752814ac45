// `npm run bench -- positions`: courier positions per second through visit detection (decode, route lookup, the visit
// machine for each of the route's deliveries, and the event-store decisions a point triggers) against a bare kafkajs
// consumer reading the same topic. 1,000 couriers with 10 deliveries each, a point every 5 s per courier, one point
// per message (the worst case for us: apps usually push several). Runs in-process on a fresh database.
// The host is shared and its speed swings from one minute to the next, so the comparison is repeated: BENCH_ROUNDS
// rounds (default 3), each one stop of the day on a topic of its own, with a raw run before the first and after each
// round; a round's ratio is ours over the mean of the raw runs around it, and the goal is read on their median.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { courierPositionsReportedV1, encodeMessage } from '@orders/contracts';
import { uuidv7 } from '@orders/event-store';
import { createServiceApp } from '@orders/service-kit';
import { Kafka, logLevel } from 'kafkajs';
import { machine, median, metric, report } from '../lib/report';
import { PeakResident } from '../lib/service-process';
import { membershipLatency, p50, p99 } from './membership';
import { rawConsumption } from './raw-baseline';
import {
  COURIERS,
  DAY_START_S,
  DELIVERIES_PER_COURIER,
  ROUTE_DATE,
  SERVICE_DURATION_S,
  courierId,
  positionAt,
  routeId,
  stopLocation,
} from './scenario';
import { withClient } from '@orders/service-kit/testing';

// One whole stop of the day by default: 16 minutes of driving, 4 at the door (arrival, visit, finish, departure).
const TICKS = Number(process.env.BENCH_TICKS ?? 240);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARTITIONS = 12;
const CONCURRENT_PARTITIONS = 12;
const COMPANY = 'bench-co';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const baseUrl = process.env.COURIER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/courier';
const urlOf = (database: string) => Object.assign(new URL(baseUrl), { pathname: `/${database}` }).toString();
const log = (text: string) => process.stderr.write(`[bench positions] ${text}\n`);

const sql = async <T>(database: string, query: string): Promise<T[]> =>
  withClient(urlOf(database), async (db) => (await db.query(query)).rows as T[]);

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * Waits until the read models and the relay have taken in every event, so the next run (raw or ours) does not share
 * the machine with the previous round's tail (up to 30 s: a subscription that skips a stream type may never reach
 * the last position; the wait then ends when nothing moved for a second).
 */
async function caughtUp(database: string): Promise<void> {
  let previous = '';
  let still = 0;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const [{ behind, positions }] = await sql<{ behind: number; positions: string }>(
      database,
      `SELECT count(*) FILTER (WHERE s.global_position < e.last)::int AS behind, string_agg(s.global_position::text, ',') AS positions
         FROM event_store.subscriptions s, (SELECT max(global_position) AS last FROM event_store.events) e`,
    );
    if (behind === 0) return;
    still = positions === previous ? still + 1 : 0;
    if (still >= 5) return;
    previous = positions;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Round {
  rate: number;
  cpuUs: number;
  drainedCpuUs: number;
  drainedMs: number;
}
type Detector = InstanceType<typeof import('../../apps/courier-tracking/src/positions/visit-detector').VisitDetector>;
type Settings = InstanceType<
  typeof import('../../apps/courier-tracking/src/settings/settings.service').SettingsService
>;

/**
 * One round: a consumer group of its own reads the round's topic from the beginning through detection. Its rate runs
 * from the first message taken to the last point applied; CPU per point is steadier than throughput on a shared
 * machine (another tenant's load stretches wall time more), so it is reported beside it. Decisions are recorded
 * within the window and appended in the background: the round ends once all are in the event store.
 */
async function detect(
  detector: Detector,
  settings: Settings,
  topic: string,
  groupId: string,
  total: number,
  rss: number[],
): Promise<Round> {
  const { PositionsConsumer } = await import('../../apps/courier-tracking/src/positions/positions.consumer');
  const consumer = new PositionsConsumer(
    { brokers, clientId: 'bench-detection', topic, groupId, partitionsConsumedConcurrently: CONCURRENT_PARTITIONS },
    detector,
    settings,
  );
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  await consumer.start();
  while (consumer.counters.points < total) {
    if (consumer.counters.handled > 0) {
      rss.push(process.memoryUsage().rss);
      cpuAtFirst ??= process.cpuUsage();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const window = process.cpuUsage(cpuAtFirst);
  const { points, firstAt, lastAt } = consumer.counters;
  await detector.drained();
  const drainedMs = performance.now() - lastAt;
  const throughDrain = process.cpuUsage(cpuAtFirst);
  await consumer.stop();
  return {
    rate: (points / (lastAt - firstAt)) * 1000,
    cpuUs: (window.user + window.system) / points,
    drainedCpuUs: (throughDrain.user + throughDrain.system) / points,
    drainedMs,
  };
}

async function main(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const database = `courier_bench_${suffix}`;
  const prefix = `bench-${suffix}.`;
  const loadTopic = `${prefix}courier.positions.v1.load`;
  await sql('postgres', `CREATE DATABASE "${database}"`);
  Object.assign(process.env, {
    COURIER_DATABASE_URL: urlOf(database),
    TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    API_KEYS: '',
  });
  const kafka = new Kafka({ brokers, clientId: 'bench-positions', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const { AppModule } = await import('../../apps/courier-tracking/src/app.module');
  const { MessagingTransport, startMessaging } = await import('@orders/messaging/nest');
  const { CreateOrder } = await import('../../apps/courier-tracking/src/deliveries/create-order/create-order');
  const { SettingsService } = await import('../../apps/courier-tracking/src/settings/settings.service');
  const { VisitDetector } = await import('../../apps/courier-tracking/src/positions/visit-detector');
  const app = await createServiceApp(AppModule);
  await app.init();
  // Idle: the service (in this process) initialised, before the bench seeds or loads it.
  const idleMiB = process.memoryUsage().rss / 1024 / 1024;
  try {
    await startMessaging(app);
    await app.get(MessagingTransport).ready();
    const settings = app.get(SettingsService);
    const createOrder = app.get(CreateOrder);
    await settings.putCompany(COMPANY, {
      mark_delivered_enabled: true,
      mark_delivered_radius: 100,
      mark_delivered_service_time_coefficient: 0.5,
    });

    log(`seeding ${COURIERS} routes with ${DELIVERIES_PER_COURIER} deliveries each`);
    const couriers = Array.from({ length: COURIERS }, (_, c) => c);
    await pool(couriers, 8, async (c) => {
      await settings.putRoute(COMPANY, routeId(c), { courier_id: courierId(c), date: ROUTE_DATE });
      for (let stop = 0; stop < DELIVERIES_PER_COURIER; stop++) {
        await createOrder.create(
          COMPANY,
          {
            number: `${c}-${stop}`,
            address: `Street ${c}, house ${stop}`,
            ...stopLocation(c, stop),
            time_interval: '08-20',
            route_id: routeId(c),
            service_duration_s: SERVICE_DURATION_S,
            customer_name: 'Bench Customer',
            phone: '+79990000000',
          },
          { actor: 'bench' },
        );
      }
    });
    for (;;) {
      const [{ n }] = await sql<{ n: number }>(database, 'SELECT count(*)::int AS n FROM courier_route_deliveries');
      if (n >= COURIERS * DELIVERIES_PER_COURIER) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const detector = app.get(VisitDetector);
    const perRound = TICKS * COURIERS;
    const topics = Array.from({ length: ROUNDS }, (_, round) => `${loadTopic}-${round}`);
    log(`producing ${ROUNDS} x ${perRound} position messages`);
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [round, topic] of topics.entries()) {
      for (let tick = round * TICKS; tick < (round + 1) * TICKS; tick++) {
        const messages = couriers.map((c) => {
          const at = positionAt(c, tick);
          const encoded = encodeMessage(
            courierPositionsReportedV1,
            {
              tenantId: COMPANY,
              courierId: courierId(c),
              routeId: routeId(c),
              positions: [{ point: { lat: at.lat, lon: at.lon }, accuracy: 5, timestamp: at.timestamp }],
            },
            { eventId: uuidv7(), occurredAt: new Date(at.timestamp * 1000).toISOString() },
          );
          return { key: encoded.key, value: encoded.value, headers: encoded.headers };
        });
        await producer.send({ topic, acks: -1, messages });
      }
    }
    await producer.disconnect();

    // Steady state: every route watched (a point far away, before the day starts, changes nothing), just before the
    // runs, so the measured window holds the background re-reads a steady stream has (one per route per 15 s), not all
    // of them at once.
    await pool(couriers, 16, async (c) => {
      const route = await settings.route(COMPANY, routeId(c));
      if (route) await detector.push(courierId(c), route, [{ lat: 0, lon: 0, timestamp: DAY_START_S - 3600 }]);
    });

    // That first point also started every route (START on its 10 deliveries, ORDER_BECAME_NEXT on the first): let
    // the read models take those 11,000 events in before the window, as they would long before a day's busy hour.
    for (;;) {
      const [{ started, next }] = await sql<{ started: number; next: number }>(
        database,
        `SELECT count(*) FILTER (WHERE view->'history' @> '[{"event":"START"}]')::int AS started,
                count(*) FILTER (WHERE view->'history' @> '[{"event":"ORDER_BECAME_NEXT"}]')::int AS next FROM delivery_details`,
      );
      if (started >= COURIERS * DELIVERIES_PER_COURIER && next >= COURIERS) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const raws: { rate: number; cpuUs: number }[] = [];
    const rounds: Round[] = [];
    const rss: number[] = [];
    const eventsBefore = (await sql<{ n: number }>(database, 'SELECT count(*)::int AS n FROM event_store.events'))[0].n;
    const resident = new PeakResident({ service: () => process.pid }).start();
    for (const [round, topic] of topics.entries()) {
      log(`raw kafkajs consumption before round ${round + 1}`);
      raws.push(await rawConsumption(brokers, topic, perRound, CONCURRENT_PARTITIONS));
      log(`detection, round ${round + 1} of ${ROUNDS}`);
      rounds.push(await detect(detector, settings, topic, `${prefix}detection-${round}`, perRound, rss));
      await caughtUp(database);
    }
    const peakMiB = resident.stop().get('service') ?? 0;
    log('raw kafkajs consumption after the last round');
    raws.push(await rawConsumption(brokers, topics[ROUNDS - 1], perRound, CONCURRENT_PARTITIONS));

    const eventsAfter = (await sql<{ n: number }>(database, 'SELECT count(*)::int AS n FROM event_store.events'))[0].n;
    log('membership to detection: deliveries joining watched routes');
    const { PositionDecisions } = await import('../../apps/courier-tracking/src/positions/position-decisions');
    const { DeliveryCommands } = await import('../../apps/courier-tracking/src/deliveries/delivery-commands');
    const joins = await membershipLatency(COMPANY, ROUNDS * TICKS, {
      detector,
      decisions: app.get(PositionDecisions),
      createOrder,
      settings,
      commands: app.get(DeliveryCommands),
    });
    const [{ finished }] = await sql<{ finished: number }>(
      database,
      `SELECT count(*)::int AS finished FROM event_store.events WHERE type = 'DeliveryStatusChanged' AND data->>'initiator' = 'yandex'`,
    );
    const ratios = rounds.map((r, i) => r.rate / ((raws[i].rate + raws[i + 1].rate) / 2));
    const rssMiB = median(rss.length > 0 ? rss : [process.memoryUsage().rss]) / 1024 / 1024;
    const each = rounds
      .map(
        (r, i) =>
          `round ${i + 1}: ${Math.round(r.rate)} vs raw ${Math.round(raws[i].rate)}/${Math.round(raws[i + 1].rate)} msg/s = ${ratios[i].toFixed(3)}, ` +
          `CPU µs per message ours ${r.cpuUs.toFixed(1)} (${r.drainedCpuUs.toFixed(1)} until appended, ${Math.round(r.drainedMs)} ms after the last point) ` +
          `raw ${((raws[i].cpuUs + raws[i + 1].cpuUs) / 2).toFixed(1)}`,
      )
      .join('; ');
    const [{ server_version: version }] = await sql<{ server_version: string }>(database, 'SHOW server_version');
    report('positions', machine(`PostgreSQL ${version}`, 'kafkajs 2.2.4'), [
      metric(
        'detection',
        'positions/s',
        median(rounds.map((r) => r.rate)),
        median(raws.map((r) => r.rate)),
        'raw kafkajs consumption of the same topics',
        {
          ratio: Number(median(ratios).toFixed(3)),
          goal: ">= 0.7 (median of the rounds' ratios)",
          notes:
            `${COURIERS} couriers x ${DELIVERIES_PER_COURIER} deliveries, ${ROUNDS} rounds of ${perRound} messages of 1 point (one stop each), ` +
            `${eventsAfter - eventsBefore} events appended, ${finished} deliveries finished automatically; ${each}; ` +
            `resident memory at steady state (median over the rounds, whole process) ${rssMiB.toFixed(0)} MiB`,
        },
      ),
      metric('resident memory', 'MiB', rssMiB, rssMiB, 'same process (reported, not compared)', {
        notes: 'median RSS during detection',
      }),
      metric('resident memory idle', 'MiB', idleMiB, 150, 'goal ceiling', {
        goal: '<= 150',
        notes: 'RSS right after the app initialised (service in the bench process, upper bound)',
      }),
      metric('resident memory under load', 'MiB', peakMiB, 300, 'goal ceiling', {
        goal: '<= 300',
        notes:
          'peak RSS sampled every 250 ms over the raw and detection rounds (service in the bench process, upper bound)',
      }),
      metric(
        'membership_to_detection_p99',
        'ms',
        p99(joins.joined),
        p99(joins.baseline),
        'the same point for a delivery on the route all along',
        {
          notes:
            `${joins.joined.length} deliveries joining watched routes; from the join (creation appended, this process told) to the first decision ` +
            `for the point at the door: point after the join p50 ${p50(joins.pointAfter).toFixed(2)} / p99 ${p99(joins.pointAfter).toFixed(2)} ms, ` +
            `point before it (evaluated from the route's recent points) p50 ${p50(joins.pointFirst).toFixed(2)} / p99 ${p99(joins.pointFirst).toFixed(2)} ms`,
        },
      ),
    ]);
  } finally {
    await app.close();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await sql('postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
