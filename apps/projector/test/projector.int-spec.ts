import { execFileSync } from 'node:child_process';
import { TOPIC } from '@orders/contracts';
import { answerWithoutId, UNREPRESENTABLE_PATH_IDS } from '@orders/service-kit/testing';
import { auditOrder, checksum, SummaryRebuilder, SUMMARY_PROJECTION } from '../src/operations';
import { syntheticHistory } from '../src/projections/history';
import { BROKERS, eventually, startProjector, type ProjectorTestApp } from './projector-app';

const journalCount = async (app: ProjectorTestApp, orderPrefix: string): Promise<number> => {
  const { rows } = await app.db.pool.query(
    `SELECT count(*)::int AS n FROM ${app.db.table('events')} WHERE order_id LIKE $1`,
    [`${orderPrefix}%`],
  );
  return rows[0].n;
};

/** key|value-length|value of every record of a topic, read by kcat (a client that is not ours). */
function kcat(topic: string): Array<{ key: string; length: number; value: string }> {
  const out = execFileSync(
    'kcat',
    ['-C', '-b', BROKERS, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k|%S|%s\\n'],
    { encoding: 'utf8', timeout: 20_000 },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [key, length, ...value] = line.split('|');
      return { key: key as string, length: Number(length), value: value.join('|') };
    });
}

jest.setTimeout(60_000);

describe('projector service on the real stack', () => {
  let app: ProjectorTestApp;
  const history = syntheticHistory(12, { prefix: 'app' });

  beforeAll(async () => {
    app = await startProjector();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('folds the three topics into the timeline and the summary, once per event', async () => {
    await app.publish(history);
    await eventually(
      () => journalCount(app, 'app-'),
      (n) => n === history.length,
    );
    // Redelivered copies (same event ids) have no second effect.
    await app.publish(history.slice(0, 5));
    const marker = syntheticHistory(1, { prefix: 'marker' });
    await app.publish(marker);
    await eventually(
      () => journalCount(app, 'marker-'),
      (n) => n === marker.length,
    );
    expect(await journalCount(app, 'app-')).toBe(history.length);

    // The three topics are consumed concurrently, so the summary is the fold in the order the projector committed
    // the events (the journal's order), which is also the order audits and rebuilds fold in.
    for (const orderId of ['app-1', 'app-2', 'app-10']) {
      const audit = await auditOrder(app.db, orderId);
      const { rows } = await app.db.pool.query(
        `SELECT state FROM ${app.db.table('order_summary')} WHERE order_id = $1`,
        [orderId],
      );
      expect(audit.state).toEqual(rows[0].state);
      expect(audit.state?.version).toBe(history.filter((e) => e.orderId === orderId).length);
      expect(audit.timeline.map((e) => e.source)).toContain('courier-tracking');
    }
    const operator = { 'api-key': app.keys.operator };
    const response = await app.http().get('/orders/app-1/audit').set(operator).expect(200);
    expect(response.body).toMatchObject({ orderId: 'app-1', status: 'DELIVERED', timeline: expect.any(Array) });
    // The one rule of path ids: a missing id, an id longer than the contracts allow (128) and another company's
    // order answer alike; text no id can hold is 400.
    const missing = answerWithoutId(await app.http().get('/orders/nope/audit').set(operator), 'nope');
    expect(missing).toMatchObject({
      status: 404,
      body: { errors: [{ code: 'NOT_FOUND', details: { resource: 'order', id: '<id>' } }] },
    });
    const tooLong = 'o'.repeat(129);
    expect(answerWithoutId(await app.http().get(`/orders/${tooLong}/audit`).set(operator), tooLong)).toEqual(missing);
    for (const broken of UNREPRESENTABLE_PATH_IDS)
      await app.http().get(`/orders/${broken}/audit`).set(operator).expect(400);
    await app.http().get('/orders/app-1/audit?asOf=yesterday').set(operator).expect(422);
    await app.http().get('/orders/app-1/audit').expect(401);
    const counts = await app.http().get('/orders/status-counts').set(operator).expect(200);
    expect(Object.values(counts.body as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(13);
    // A desk of company-1 sees its own orders only (app-1 is company-1's, app-2 company-2's).
    const desk = { 'api-key': app.keys.company1 };
    await app.http().get('/orders/app-1/audit').set(desk).expect(200);
    expect(answerWithoutId(await app.http().get('/orders/app-2/audit').set(desk), 'app-2')).toEqual(missing);
    await app.http().get('/orders/status-counts').set(desk).expect(403);
    await app.http().get('/orders/status-counts?tenantId=company-1').set(desk).expect(200);
  });

  it('publishes every order state to the compacted orders.state.v1, with a tombstone after erasure (read by kcat)', async () => {
    const stateTopic = app.topic(TOPIC.orderState);
    const ofApp1 = history.filter((e) => e.orderId === 'app-1').length;
    const records = await eventually(
      async () => kcat(stateTopic),
      (r) =>
        r.some((x) => x.key === 'app-10' && x.length === -1) && r.filter((x) => x.key === 'app-1').length === ofApp1,
    );
    const ofOne = records.filter((r) => r.key === 'app-1');
    expect(ofOne.map((r) => JSON.parse(r.value).version)).toEqual(
      history.filter((e) => e.orderId === 'app-1').map((_, i) => i + 1),
    );
    expect(JSON.parse(ofOne[ofOne.length - 1]?.value as string)).toMatchObject({
      orderId: 'app-1',
      delivery: { status: 'finished' },
    });
    // app-10 was erased (DeliveryErased): its last record is a real tombstone (null value), and nothing follows it.
    const ofErased = records.filter((r) => r.key === 'app-10');
    expect(ofErased[ofErased.length - 1]).toMatchObject({ length: -1 });
    expect(ofErased.filter((r) => r.length === -1)).toHaveLength(1);
  });

  it('rebuilds while the service runs, without publishing anything, to the same checksum', async () => {
    const outboxed = async () =>
      (await app.db.pool.query(`SELECT count(*)::int AS n FROM "${app.outboxSchema}".events`)).rows[0].n as number;
    const before = await checksum(app.db, SUMMARY_PROJECTION);
    const states = await outboxed();
    const result = await new SummaryRebuilder(app.db).rebuild();
    expect(result.interrupted).toBe(false);
    expect(await checksum(app.db, SUMMARY_PROJECTION)).toEqual({ ...before, version: result.version });
    // Nothing went to the outbox, so nothing can be published.
    expect(await outboxed()).toBe(states);
    // Live events after the switch land in the new version, and their states are published.
    const more = syntheticHistory(2, { prefix: 'after' });
    await app.publish(more);
    await eventually(
      () => journalCount(app, 'after-'),
      (n) => n === more.length,
    );
    expect((await checksum(app.db, SUMMARY_PROJECTION)).rows).toBe(before.rows + 2);
    expect(await outboxed()).toBe(states + more.length);
    await eventually(
      async () => kcat(app.topic(TOPIC.orderState)).filter((r) => r.key.startsWith('after-')).length,
      (n) => n === more.length,
    );
  });

  it('shows projection lag and rebuild progress on /metrics', async () => {
    const metrics = await app.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/projector_lag_seconds\{topic="intake.order-events.v1"[^}]*\} \d/);
    expect(metrics.text).toMatch(
      /projector_events_applied_total\{topic="courier.delivery-events.v1",type="DeliveryCreated"/,
    );
    expect(metrics.text).toContain('# TYPE projector_rebuild_progress_ratio gauge');
    expect(metrics.text).toMatch(
      /messaging_consumer_lag\{group="t[0-9a-f]+\.projector",topic="t[0-9a-f]+\.intake.order-events.v1",partition="\d"[^}]*\} \d/,
    );
  });
});
