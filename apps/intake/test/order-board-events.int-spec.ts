import { get, type IncomingMessage } from 'node:http';
import { captureLogs, onAdmin } from '@orders/service-kit/testing';
import { eventually, startIntake, submission, type IntakeTestApp } from './intake-app';

// The board and its notices are eventually consistent; on a busy shared machine they take seconds. Waits are on
// conditions, never on time: this only bounds how long a broken run hangs.
jest.setTimeout(60_000);

interface ServerSentEvent {
  event: string;
  id?: string;
  data: Record<string, unknown>;
}

/** Opens the SSE stream and collects its events; `until` resolves once one matches. */
function openStream(url: string, key: string, lastEventId?: string) {
  const events: ServerSentEvent[] = [];
  const waiters: { match: (e: ServerSentEvent) => boolean; resolve: (e: ServerSentEvent) => void }[] = [];
  let response: IncomingMessage | undefined;
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    const headers = {
      'Api-Key': key,
      Accept: 'text/event-stream',
      ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
    };
    const request = get(url, { headers }, (res) => {
      response = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          const data = field('data');
          const parsed: ServerSentEvent = {
            event: field('event') ?? 'message',
            id: field('id'),
            data: data ? JSON.parse(data) : {},
          };
          events.push(parsed);
          for (const waiter of waiters.filter((w) => w.match(parsed))) waiter.resolve(parsed);
        }
      });
      resolve(res);
    });
    request.on('error', reject);
  });
  return {
    opened,
    events,
    until: (match: (e: ServerSentEvent) => boolean) =>
      new Promise<ServerSentEvent>((resolve) => {
        const found = events.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      }),
    close: () => response?.destroy(),
  };
}

describe('intake SSE: operators hear of new orders and status changes', () => {
  let intake: IntakeTestApp;

  beforeAll(async () => {
    // The change feed's pruner runs every 100 ms here (24 h retention, as by default): only aged rows go.
    intake = await startIntake({
      INTAKE_LICENSES: 'company-a,company-b',
      INTAKE_BOARD_CHANGES_PRUNE_INTERVAL_MS: '100',
    });
  }, 60_000);
  afterAll(async () => intake?.close());

  /** Company A's stream, and one new order of company A (its id). */
  const url = () => `${intake.url}/api/v1/companies/company-a/external-order-events`;
  const submit = async () =>
    (
      await intake
        .http()
        .post('/api/v1/companies/company-a/external-orders')
        .set('Api-Key', intake.keys.companyA)
        .send(submission())
        .expect(201)
    ).body.orderId as string;

  it('streams a new AWAITING order and its acceptance to its company, and nothing of other companies', async () => {
    const streamA = openStream(url(), intake.keys.companyA);
    const streamB = openStream(`${intake.url}/api/v1/companies/company-b/external-order-events`, intake.keys.companyB);
    const [resA] = await Promise.all([streamA.opened, streamB.opened]);
    expect(resA.statusCode).toBe(200);
    expect(resA.headers['content-type']).toMatch(/text\/event-stream/);
    try {
      const body = submission();
      const { orderId } = (
        await intake
          .http()
          .post('/api/v1/companies/company-a/external-orders')
          .set('Api-Key', intake.keys.companyA)
          .send(body)
          .expect(201)
      ).body;
      const received = await streamA.until((e) => e.event === 'order.received' && e.data.orderId === orderId);
      expect(received.data).toMatchObject({ orderId, number: body.externalId, status: 'AWAITING', version: 1 });
      expect(JSON.stringify(received.data)).not.toContain('Ivan');

      await intake
        .http()
        .post(`/api/v1/companies/company-a/external-orders/${orderId}/accept`)
        .set('Api-Key', intake.keys.companyA)
        .send({})
        .expect(200);
      const changed = await streamA.until((e) => e.event === 'order.status_changed' && e.data.orderId === orderId);
      expect(changed.data).toMatchObject({ status: 'CREATED', version: 3 });

      // Company B's stream heard nothing of it: a B order sent after proves B's stream was live all along.
      const { orderId: orderB } = (
        await intake
          .http()
          .post('/api/v1/companies/company-b/external-orders')
          .set('Api-Key', intake.keys.companyB)
          .send(submission())
          .expect(201)
      ).body;
      await streamB.until((e) => e.data.orderId === orderB);
      expect(streamB.events.some((e) => e.data.orderId === orderId)).toBe(false);
    } finally {
      streamA.close();
      streamB.close();
    }
  });

  it('resumes after a reconnect with Last-Event-ID: what happened meanwhile comes first, once and in order', async () => {
    const first = openStream(url(), intake.keys.companyA);
    await first.opened;
    const seen = await submit();
    const heard = await first.until((e) => e.event === 'order.received' && e.data.orderId === seen);
    first.close();
    expect(heard.id).toMatch(/^\d+$/);
    // While no stream is open: two new orders and the first one accepted.
    const missedA = await submit();
    const missedB = await submit();
    await intake
      .http()
      .post(`/api/v1/companies/company-a/external-orders/${seen}/accept`)
      .set('Api-Key', intake.keys.companyA)
      .send({})
      .expect(200);
    const resumed = openStream(url(), intake.keys.companyA, heard.id);
    try {
      await resumed.until((e) => e.event === 'order.status_changed' && e.data.orderId === seen);
      const live = await submit();
      await resumed.until((e) => e.data.orderId === live);
      const changes = resumed.events.filter((e) => e.event !== 'ping');
      expect(changes.map((e) => [e.event, e.data.orderId])).toEqual([
        ['order.received', missedA],
        ['order.received', missedB],
        ['order.status_changed', seen],
        ['order.received', live],
      ]);
      const ids = changes.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids[0]).toBeGreaterThan(Number(heard.id));
    } finally {
      resumed.close();
    }
  });

  it('prunes the change feed past its retention; a stream resuming from a pruned change must reload', async () => {
    const first = openStream(url(), intake.keys.companyA);
    await first.opened;
    const seen = await submit();
    const heard = await first.until((e) => e.event === 'order.received' && e.data.orderId === seen);
    first.close();
    const missed = await submit();
    const seqOf = async (orderId: string) =>
      (
        await intake.pool.query<{ seq: string }>(
          "SELECT seq::text FROM intake_board_changes WHERE notice->>'orderId' = $1",
          [orderId],
        )
      ).rows[0]?.seq;
    const missedSeq = Number(await eventually(() => seqOf(missed), Boolean));
    // Two days old, as if the stream had stayed away that long: the pruner drops them (24 h), and keeps the rest.
    await intake.pool.query("UPDATE intake_board_changes SET recorded_at = now() - interval '2 days' WHERE seq <= $1", [
      missedSeq,
    ]);
    await eventually(
      async () =>
        (
          await intake.pool.query<{ left: number; through: string }>(
            `SELECT (SELECT count(*)::int FROM intake_board_changes WHERE seq <= $1) AS left,
              (SELECT pruned_through::text FROM intake_board_changes_horizon) AS through`,
            [missedSeq],
          )
        ).rows[0],
      (r) => r?.left === 0 && Number(r.through) === missedSeq,
    );
    const after = await submit();
    // Resuming from the pruned change: a resync first (not a replay with a hole), then live changes as usual.
    const resumed = openStream(url(), intake.keys.companyA, heard.id);
    try {
      const resync = await resumed.until((e) => e.event === 'board.resync');
      expect(resync.data).toEqual({ reason: 'pruned', message: expect.stringMatching(/reload the list/) });
      expect(Number(resync.id)).toBeGreaterThanOrEqual(missedSeq);
      const live = await submit();
      await resumed.until((e) => e.data.orderId === live);
      const changes = resumed.events.filter((e) => e.event !== 'ping');
      expect(changes[0]?.event).toBe('board.resync');
      expect(changes.some((e) => e.data.orderId === missed)).toBe(false);
    } finally {
      resumed.close();
    }
    // A stream resuming after the horizon still gets a plain replay of what is kept.
    const kept = openStream(url(), intake.keys.companyA, String(missedSeq));
    try {
      await kept.until((e) => e.event === 'order.received' && e.data.orderId === after);
      expect(kept.events.some((e) => e.event === 'board.resync')).toBe(false);
    } finally {
      kept.close();
    }
  });

  it('caps open streams per key (429 LIMIT_EXCEEDED beyond), and frees a slot when a stream closes', async () => {
    // Streams of the test before close asynchronously: wait until each of ours is accepted.
    const accepted = async () => {
      for (const until = Date.now() + 20_000; ;) {
        const stream = openStream(url(), intake.keys.companyA);
        const res = await stream.opened;
        if (res.statusCode === 200) return { stream, res };
        stream.close();
        if (Date.now() > until) throw new Error(`stream not accepted: ${res.statusCode}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const refused = async (key: string) =>
      new Promise<{ status?: number; retryAfter?: string | string[]; body: string }>((resolve, reject) => {
        get(url(), { headers: { 'Api-Key': key, Accept: 'text/event-stream' } }, (res) => {
          let body = '';
          res
            .setEncoding('utf8')
            .on('data', (chunk: string) => (body += chunk))
            .on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], body }));
        }).on('error', reject);
      });
    const open: { stream: ReturnType<typeof openStream>; res: IncomingMessage }[] = [];
    try {
      for (let i = 0; i < 5; i++) open.push(await accepted());
      const sixth = await refused(intake.keys.companyA);
      expect(sixth.status).toBe(429);
      expect(sixth.retryAfter).toBe('30');
      expect(JSON.parse(sixth.body).errors).toEqual([
        { code: 'LIMIT_EXCEEDED', message: 'at most 5 open streams per key' },
      ]);
      // Another key of the same company has streams of its own.
      const operator = openStream(url(), intake.keys.operator);
      expect((await operator.opened).statusCode).toBe(200);
      operator.close();
      open.shift()?.stream.close();
      open.push(await accepted());
    } finally {
      for (const { stream } of open) stream.close();
    }
  });

  it('refuses a stream of another company', async () => {
    await intake
      .http()
      .get('/api/v1/companies/company-a/external-order-events')
      .set('Api-Key', intake.keys.companyB)
      .expect(403);
  });

  it('catches up what committed while its LISTEN connection was down, without the client reconnecting', async () => {
    const admin = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const stream = openStream(url(), intake.keys.companyA);
    await stream.opened;
    const before = await submit();
    await stream.until((e) => e.event === 'order.received' && e.data.orderId === before); // the stream is live
    const logs = captureLogs();
    const probe = await intake.pool.connect(); // opened before new connections are refused
    try {
      // The listener cut and kept out (its reconnections refused); the app's pooled connections still work.
      await onAdmin(admin, `ALTER DATABASE "${intake.database}" ALLOW_CONNECTIONS false`);
      await onAdmin(
        admin,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${intake.database}' AND query LIKE 'LISTEN%'`,
      );
      await eventually(
        async () => logs.lines.some((l) => l.context === 'BoardNotifications' && String(l.msg).includes('lost')),
        (seen) => seen,
        30_000,
        100,
      );
      const meanwhile = await submit();
      // Its change committed (and was notified to nobody) while the listener was down.
      await eventually(
        async () =>
          (
            await probe.query(`SELECT count(*)::int AS n FROM intake_board_changes WHERE notice->>'orderId' = $1`, [
              meanwhile,
            ])
          ).rows[0].n,
        (n) => n === 1,
        30_000,
        100,
      );
      expect(stream.events.some((e) => e.data.orderId === meanwhile)).toBe(false);
      await onAdmin(admin, `ALTER DATABASE "${intake.database}" ALLOW_CONNECTIONS true`);
      // Bounded, so a stream that never catches up fails here (and the database is let in again) instead of hanging.
      const caughtUp = await Promise.race([
        stream.until((e) => e.event === 'order.received' && e.data.orderId === meanwhile),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the order committed meanwhile never reached the stream')), 20_000),
        ),
      ]);
      expect(stream.events.filter((e) => e.data.orderId === meanwhile)).toHaveLength(1);
      expect(Number(caughtUp.id)).toBeGreaterThan(Number(stream.events.find((e) => e.data.orderId === before)?.id));
    } finally {
      probe.release();
      logs.restore();
      await onAdmin(admin, `ALTER DATABASE "${intake.database}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      stream.close();
    }
  });

  it('hears changes again after the database refused its first reconnections (a restart longer than a second)', async () => {
    const admin = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const stream = openStream(url(), intake.keys.companyA);
    await stream.opened;
    const logs = captureLogs();
    try {
      // New connections refused, then the LISTEN connection cut: the reconnection a second later is refused too.
      await onAdmin(admin, `ALTER DATABASE "${intake.database}" ALLOW_CONNECTIONS false`);
      await onAdmin(
        admin,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${intake.database}' AND query LIKE 'LISTEN%'`,
      );
      const refused = () =>
        logs.lines.some(
          (l) => l.context === 'BoardNotifications' && String(l.msg).includes('not currently accepting connections'),
        );
      await eventually(
        async () => refused(),
        (seen) => seen,
        30_000,
        100,
      );
      await onAdmin(admin, `ALTER DATABASE "${intake.database}" ALLOW_CONNECTIONS true`);
      await eventually(
        async () =>
          (
            await intake.pool.query(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%intake_order_board%' AND datname = current_database()",
            )
          ).rows[0].n,
        (n) => n === 1,
        30_000,
        100,
      );
      const { orderId } = (
        await intake
          .http()
          .post('/api/v1/companies/company-a/external-orders')
          .set('Api-Key', intake.keys.companyA)
          .send(submission())
          .expect(201)
      ).body;
      await stream.until((e) => e.event === 'order.received' && e.data.orderId === orderId);
    } finally {
      logs.restore();
      await onAdmin(admin, `ALTER DATABASE "${intake.database}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      stream.close();
    }
  });
});
