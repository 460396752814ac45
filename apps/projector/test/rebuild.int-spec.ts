import { auditOrder, checksum, foldSummary, refold, SummaryRebuilder, SUMMARY_PROJECTION, TIMELINE_PROJECTION } from '../src/operations';
import { syntheticHistory } from '../src/projections/history';
import { createTestReadModel, type TestReadModel } from './read-model-fixture';

jest.setTimeout(60_000);

describe('blue/green rebuild of the order summary (real PostgreSQL)', () => {
  let model: TestReadModel;
  const history = syntheticHistory(60, { prefix: 'rb' });

  beforeAll(async () => {
    model = await createTestReadModel('projector_rebuild');
    await model.applyLive(history.slice(0, 150));
  });

  afterAll(async () => {
    await model?.drop();
  });

  it('a rebuild during live traffic switches to a version equal to a from-scratch rebuild', async () => {
    const rebuilder = new SummaryRebuilder(model.db);
    const phases: string[] = [];
    // Live events keep arriving while the new version is built (small batches: many interleavings).
    const traffic = model.applyLive(history.slice(150));
    const result = await rebuilder.rebuild({ batchSize: 7, onProgress: (p) => phases.push(p.phase) });
    await traffic;
    expect(result).toMatchObject({ projection: SUMMARY_PROJECTION, version: 2, previousVersion: 1, interrupted: false });
    expect(phases[0]).toBe('building');
    expect(phases.slice(-2)).toEqual(['switching', 'done']);
    expect(await model.db.activeVersion()).toBe(2);

    const live = await checksum(model.db, SUMMARY_PROJECTION);
    const again = await rebuilder.rebuild({ batchSize: 1000 });
    expect(again.version).toBe(3);
    const scratch = await checksum(model.db, SUMMARY_PROJECTION);
    expect(scratch).toEqual({ ...live, version: 3 });
    expect(scratch.rows).toBe(60);
    // The version rebuilt under traffic and the one the live writers kept up to date hold the same data too.
    expect((await checksum(model.db, SUMMARY_PROJECTION, 2)).checksum).toBe(scratch.checksum);
    // The view always shows the serving version.
    const { rows } = await model.db.pool.query(`SELECT count(*)::int AS n FROM ${model.db.table('order_summary')}`);
    expect(rows[0].n).toBe(60);
  });

  it('resumes a rebuild that crashed half-way, from its checkpoint', async () => {
    const before = await checksum(model.db, SUMMARY_PROJECTION);
    const rebuilder = new SummaryRebuilder(model.db);
    const crashed = await rebuilder.rebuild({ batchSize: 20, stopAfterBatches: 3 });
    expect(crashed).toMatchObject({ interrupted: true, processed: 60 });
    expect(await model.db.activeVersion()).toBe(before.version);
    expect(await rebuilder.running()).toEqual([expect.objectContaining({ version: crashed.version, processed: 60 })]);

    const resumed = await new SummaryRebuilder(model.db).rebuild({ batchSize: 20 });
    expect(resumed).toMatchObject({ version: crashed.version, resumed: true, interrupted: false });
    expect(resumed.processed).toBe(history.length);
    expect(await checksum(model.db, SUMMARY_PROJECTION)).toEqual({ ...before, version: crashed.version });
    expect(await rebuilder.running()).toEqual([]);
  });

  it('re-folds one order or one company in place, leaving the checksum unchanged', async () => {
    const before = await checksum(model.db, SUMMARY_PROJECTION);
    const table = model.db.summaryTable(before.version as number);
    await model.db.pool.query(`UPDATE ${table} SET status = 'TAMPERED' WHERE order_id IN ('rb-3', 'rb-8')`);
    expect((await checksum(model.db, SUMMARY_PROJECTION)).checksum).not.toBe(before.checksum);

    expect(await refold(model.db, { kind: 'order', orderId: 'rb-3' })).toMatchObject({ orders: 1 });
    expect(await refold(model.db, { kind: 'company', tenantId: 'company-3' })).toMatchObject({ orders: 12 });
    expect(await checksum(model.db, SUMMARY_PROJECTION)).toEqual(before);
    const since = history[history.length - 10]?.occurredAt as string;
    expect((await refold(model.db, { kind: 'from-time', at: since })).orders).toBeGreaterThan(0);
    expect(await checksum(model.db, SUMMARY_PROJECTION)).toEqual(before);
  });

  it('audits an order as of a time: the fold of the events that had occurred by then', async () => {
    const events = history.filter((e) => e.orderId === 'rb-5');
    const cut = events[2] as (typeof events)[number];
    const audit = await auditOrder(model.db, 'rb-5', new Date(cut.occurredAt));
    expect(audit.timeline.map((e) => e.eventId)).toEqual(events.slice(0, 3).map((e) => e.eventId));
    expect(audit.state).toEqual(foldSummary(events.slice(0, 3))?.state);
    const now = await auditOrder(model.db, 'rb-5');
    expect(now.state).toEqual(foldSummary(events)?.state);
    expect(now.timeline[1]).toMatchObject({ source: 'intake', actor: 'operator-2', type: 'ExternalOrderAccepted' });
  });

  it('sums the timeline deterministically', async () => {
    const first = await checksum(model.db, TIMELINE_PROJECTION);
    expect(first.rows).toBe(history.length);
    expect(await checksum(model.db, TIMELINE_PROJECTION)).toEqual(first);
  });
});
