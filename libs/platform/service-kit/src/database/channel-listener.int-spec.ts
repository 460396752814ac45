import { ensureTestDatabase, testDatabaseUrl } from '@orders/event-store/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ChannelListener } from './channel-listener';
import { eventually } from '../testing/test-database';

/** Against the real server: a NOTIFY from another connection, and its LISTEN connection killed by the server. */
describe('ChannelListener', () => {
  const url = testDatabaseUrl();
  // Each run its own channel, so the backend killed below is this spec's and no one else's.
  const channel = `listener_spec_${randomUUID().replace(/-/g, '')}`;
  const warnings: string[] = [];
  let notifier: Client;
  let listener: ChannelListener<{ n: number }>;

  const notify = (payload: string) => notifier.query('SELECT pg_notify($1, $2)', [channel, payload]);
  const listening = async () =>
    (
      await notifier.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = $1',
        [`LISTEN ${channel}`],
      )
    ).rows[0].n;

  beforeAll(async () => {
    await ensureTestDatabase();
    notifier = new Client({ connectionString: url });
    await notifier.connect();
  });

  beforeEach(async () => {
    warnings.length = 0;
    listener = new ChannelListener({
      connection: { connectionString: url },
      channel,
      parse: (payload) => JSON.parse(payload) as { n: number },
      log: { warn: (message) => warnings.push(message) },
      name: 'spec notices',
      retryMs: 50,
    });
    await listener.start();
  });

  afterEach(() => listener.close());
  afterAll(() => notifier.end());

  it('fans each notice out to every subscriber, in order, skipping one that does not parse', async () => {
    const first: number[] = [];
    const second: number[] = [];
    listener.notices.subscribe((notice) => first.push(notice.n));
    listener.notices.subscribe((notice) => second.push(notice.n));
    await notify('{"n":1}');
    await notify('not json');
    await notify('{"n":2}');
    await eventually(
      async () => [first, second],
      ([a, b]) => a.length === 2 && b.length === 2,
      10_000,
    );
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
    expect(warnings).toEqual([expect.stringContaining('spec notices: ignored a notice that does not parse')]);
  });

  it('says lost once it listens again after the server killed its connection, then delivers again', async () => {
    const heard: number[] = [];
    let lost = 0;
    listener.notices.subscribe((notice) => heard.push(notice.n));
    listener.lost.subscribe(() => (lost += 1));
    await notify('{"n":1}');
    await eventually(
      async () => heard.length,
      (n) => n === 1,
      10_000,
    );

    const { rows } = await notifier.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1', [
      `LISTEN ${channel}`,
    ]);
    expect(rows).toHaveLength(1);
    await eventually(
      async () => lost,
      (n) => n === 1,
      10_000,
    );
    expect(warnings).toEqual([expect.stringContaining('spec notices connection lost')]);
    expect(await listening()).toBe(1);

    await notify('{"n":2}');
    await eventually(
      async () => heard,
      (n) => n.length === 2,
      10_000,
    );
    expect(heard).toEqual([1, 2]);
    expect(lost).toBe(1);
  });

  it('stops listening on close and completes its streams', async () => {
    let completed = 0;
    listener.notices.subscribe({ complete: () => (completed += 1) });
    listener.lost.subscribe({ complete: () => (completed += 1) });
    expect(await listening()).toBe(1);
    await listener.close();
    expect(completed).toBe(2);
    await eventually(listening, (n) => n === 0, 10_000);
  });

  it('refuses a channel that is not a plain identifier (it is written into LISTEN as it is)', () => {
    const make = (name: string) => () =>
      new ChannelListener({ connection: {}, channel: name, parse: String, log: { warn: () => undefined }, name: 'x' });
    expect(make('a; DROP TABLE x')).toThrow(/not a plain identifier/);
    expect(make('Quoted"')).toThrow(/not a plain identifier/);
  });
});
