import { eventually, startIntake, submission, type IntakeTestApp } from './intake-app';

const orders = (company = 'company-a') => `/api/v1/companies/${company}/external-orders`;

describe('intake HTTP: external orders', () => {
  let intake: IntakeTestApp;
  const as = (key: string) => ({ 'Api-Key': key });

  beforeAll(async () => {
    intake = await startIntake({ INTAKE_LICENSES: 'company-a,company-b,company-expired:2020-11-17' });
  }, 60_000);
  afterAll(async () => intake?.close());

  const submit = (body = submission(), company = 'company-a', key = intake.keys.companyA) =>
    intake.http().post(orders(company)).set(as(key)).send(body);

  it('receives an order AWAITING, shows it with its guest data and history, and lists it on the board', async () => {
    const body = submission();
    const created = await submit(body).expect(201);
    expect(created.body).toEqual({ orderId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'AWAITING', version: 1 });
    expect(created.headers.etag).toBe('"1"');
    const { orderId } = created.body;

    const view = await intake.http().get(`${orders()}/${orderId}`).set(as(intake.keys.companyA)).expect(200);
    expect(view.body).toMatchObject({
      orderId, companyId: 'company-a', source: 'site', externalId: body.externalId, status: 'AWAITING', version: 1,
      customer: { name: 'Ivan Ivanovich Ivanov', phone: '+77776665544' }, address: 'Pushkin street 2, apt 5',
      requestedTime: '2026-11-23T09:30:00.000Z', amountMinor: 38600, contentsConfirmed: false,
      history: [{ version: 1, type: 'ExternalOrderReceived', actor: 'desk-a' }],
    });

    const board = await eventually(
      async () => (await intake.http().get(`${orders()}?status=awaiting`).set(as(intake.keys.companyA)).expect(200)).body,
      (page) => page.items.some((line: { orderId: string }) => line.orderId === orderId));
    expect(board.items.find((line: { orderId: string }) => line.orderId === orderId)).toMatchObject({
      number: body.externalId, status: 'AWAITING', customer: 'Ivan Ivanovich Ivanov',
      contacts: { phone: '+77776665544', address: 'Pushkin street 2, apt 5' }, amountMinor: 38600, currency: 'RUB',
      contents: [{ sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 }, { name: 'Bread', quantity: 1, priceMinor: 3800 }],
      awaitingSeconds: expect.any(Number),
    });
    expect(board.counts.awaiting).toBeGreaterThanOrEqual(1);
    expect(board.oldestAwaitingSeconds).toEqual(expect.any(Number));
  });
});
