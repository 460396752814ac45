import { get, type IncomingMessage } from 'node:http';
import { startIntake, submission, type IntakeTestApp } from './intake-app';

// The board and its notices are eventually consistent; on a busy shared machine they take seconds. Waits are on
// conditions, never on time: this only bounds how long a broken run hangs.
jest.setTimeout(60_000);

interface ServerSentEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Opens the SSE stream and collects its events; `until` resolves once one matches. */
function openStream(url: string, key: string) {
  const events: ServerSentEvent[] = [];
  const waiters: { match: (e: ServerSentEvent) => boolean; resolve: (e: ServerSentEvent) => void }[] = [];
  let response: IncomingMessage | undefined;
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    const request = get(url, { headers: { 'Api-Key': key, Accept: 'text/event-stream' } }, (res) => {
      response = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
          const data = field('data');
          const parsed: ServerSentEvent = { event: field('event') ?? 'message', data: data ? JSON.parse(data) : {} };
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
    until: (match: (e: ServerSentEvent) => boolean) => new Promise<ServerSentEvent>((resolve) => {
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
    intake = await startIntake({ INTAKE_LICENSES: 'company-a,company-b' });
  }, 60_000);
  afterAll(async () => intake?.close());

  it('streams a new AWAITING order and its acceptance to its company, and nothing of other companies', async () => {
    const streamA = openStream(`${intake.url}/api/v1/companies/company-a/external-order-events`, intake.keys.companyA);
    const streamB = openStream(`${intake.url}/api/v1/companies/company-b/external-order-events`, intake.keys.companyB);
    const [resA] = await Promise.all([streamA.opened, streamB.opened]);
    expect(resA.statusCode).toBe(200);
    expect(resA.headers['content-type']).toMatch(/text\/event-stream/);
    try {
      const body = submission();
      const { orderId } = (await intake.http().post('/api/v1/companies/company-a/external-orders').set('Api-Key', intake.keys.companyA).send(body).expect(201)).body;
      const received = await streamA.until((e) => e.event === 'order.received' && e.data.orderId === orderId);
      expect(received.data).toMatchObject({ orderId, number: body.externalId, status: 'AWAITING', version: 1 });
      expect(JSON.stringify(received.data)).not.toContain('Ivan');

      await intake.http().post(`/api/v1/companies/company-a/external-orders/${orderId}/accept`).set('Api-Key', intake.keys.companyA).send({}).expect(200);
      const changed = await streamA.until((e) => e.event === 'order.status_changed' && e.data.orderId === orderId);
      expect(changed.data).toMatchObject({ status: 'CREATED', version: 3 });

      // Company B's stream heard nothing of it: a B order sent after proves B's stream was live all along.
      const { orderId: orderB } = (await intake.http().post('/api/v1/companies/company-b/external-orders').set('Api-Key', intake.keys.companyB).send(submission()).expect(201)).body;
      await streamB.until((e) => e.data.orderId === orderB);
      expect(streamB.events.some((e) => e.data.orderId === orderId)).toBe(false);
    } finally {
      streamA.close();
      streamB.close();
    }
  });

  it('refuses a stream of another company', async () => {
    await intake.http().get('/api/v1/companies/company-a/external-order-events').set('Api-Key', intake.keys.companyB).expect(403);
  });
});
