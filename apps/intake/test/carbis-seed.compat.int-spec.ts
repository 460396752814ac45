import { randomUUID } from 'node:crypto';
import { EventStore } from '@orders/event-store';
import { ORDER_STATUSES } from '@orders/ordering-domain';
import { eventually, startIntake, type IntakeTestApp } from './intake-app';

// Seed 003 (Carbis «API Мини-доставки», shared/seeds/003_*.txt), as an integrator of the mini-delivery would drive
// intake: the order the seed's screens show (ИВАНОВ ИВАН ИВАНОВИЧ, 87776665544, Ул.пушкина, «Две персоны», for
// 13-01-2020 12:30, table "Dlv.2", Пирог ×2 174.00 and Хлеб ×1 38.00), the list filtered by the seed's filter names
// (Все, Ожидает, Создан, Принят, В пути, Архив, Удален), «Принять» creating an EMPTY POS order, and the contents
// confirmed afterwards. The seed gives the time without an offset; the restaurant's is taken as +06:00 (the phone
// is a Kazakh +7 777 number).

jest.setTimeout(60_000);

const orders = (company = 'company-a') => `/api/v1/companies/${company}/external-orders`;

const GUEST_LINES = [
  { name: 'Пирог', quantity: 2, priceMinor: 8700 },
  { name: 'Хлеб', quantity: 1, priceMinor: 3800 },
];

/** The seed's order, with the phone as its list shows it. */
const seedOrder = (overrides: Record<string, unknown> = {}) => ({
  source: 'site',
  externalId: '2',
  submittedAt: '2020-01-13T20:45:00+06:00',
  customer: { name: 'ИВАНОВ ИВАН ИВАНОВИЧ', phone: '87776665544' },
  address: 'Ул.пушкина',
  comment: 'Две персоны',
  requestedTime: '2020-01-13T12:30:00+06:00',
  serviceType: 'courier',
  items: GUEST_LINES,
  amountMinor: 21200,
  currency: 'RUB',
  ...overrides,
});

describe('intake: Carbis mini-delivery (seed 003) as its integrators send it', () => {
  let intake: IntakeTestApp;
  const key = () => ({ 'Api-Key': intake.keys.companyA });
  const submit = (body: object) => intake.http().post(orders()).set(key()).send(body);
  const view = async (orderId: string) =>
    (await intake.http().get(`${orders()}/${orderId}`).set(key()).expect(200)).body;
  const act = (orderId: string, action: string, body?: object) => {
    const request = intake.http().post(`${orders()}/${orderId}/${action}`).set(key());
    return body ? request.send(body) : request; // «Принять» is a button: a bodyless POST
  };
  const list = async (status: string) =>
    (await intake.http().get(orders()).query({ status, pageSize: 100 }).set(key()).expect(200)).body;
  /** The board line of an order once the filter lists it (the board is eventually consistent). */
  const listed = async (status: string, orderId: string) =>
    (
      await eventually(
        () => list(status),
        (page) => page.items.some((line: { orderId: string }) => line.orderId === orderId),
      )
    ).items.find((line: { orderId: string }) => line.orderId === orderId);

  beforeAll(async () => {
    intake = await startIntake();
  }, 60_000);
  afterAll(async () => intake?.close());

  describe('submit', () => {
    let orderId: string;

    beforeAll(async () => {
      const created = await submit(seedOrder()).expect(201);
      orderId = created.body.orderId;
      expect(created.body).toEqual({ orderId: expect.any(String), status: 'AWAITING', version: 1 });
    });

    it('receives the phone as the list shows it (87776665544) and stores it in E.164', async () => {
      expect((await view(orderId)).customer).toEqual({ name: 'ИВАНОВ ИВАН ИВАНОВИЧ', phone: '+77776665544' });
      const line = await listed('Ожидает', orderId);
      expect(line).toMatchObject({
        number: '2',
        customer: 'ИВАНОВ ИВАН ИВАНОВИЧ',
        contacts: { phone: '+77776665544', address: 'Ул.пушкина' },
      });
    });

    it('reads other ways of writing the number as the same guest (a repeat: the same order)', async () => {
      for (const phone of ['8 777 666-55-44', '+7 (777) 666-55-44', '8(777)666 55 44', '77776665544', '+77776665544']) {
        const again = await submit(seedOrder({ customer: { name: 'ИВАНОВ ИВАН ИВАНОВИЧ', phone } })).expect(200);
        expect(again.body).toEqual({ orderId, status: 'AWAITING', version: 1 });
      }
    });

    it('answers what cannot be a phone with 422, naming the accepted forms', async () => {
      for (const phone of ['Две персоны', '7776665544', '8 777 666 55 4', '+7 777 666 55 44 доб. 12']) {
        const refused = await submit(
          seedOrder({ externalId: randomUUID(), customer: { name: 'Гость', phone } }),
        ).expect(422);
        expect(refused.body.errors).toContainEqual(
          expect.objectContaining({
            code: 'INVALID_VALUE',
            field: 'customer.phone',
            message: expect.stringMatching(/E\.164.*87776665544/),
          }),
        );
      }
    });

    it('answers «Принят на время» with the offset it was given with, in the order and in the list', async () => {
      expect((await view(orderId)).requestedTime).toBe('2020-01-13T12:30:00+06:00');
      expect((await listed('AWAITING', orderId)).requestedTime).toBe('2020-01-13T12:30:00+06:00');
      const inUtc = (await submit(seedOrder({ externalId: '3', requestedTime: '2020-01-13T06:30:00Z' })).expect(201))
        .body.orderId;
      expect((await view(inUtc)).requestedTime).toBe('2020-01-13T06:30:00Z');
      const asap = (await submit(seedOrder({ externalId: '4', requestedTime: null })).expect(201)).body.orderId;
      expect((await view(asap)).requestedTime).toBeNull();
    });

    it("documents submit's 201 and its answer in the OpenAPI, and the phone forms", async () => {
      const { body: api } = await intake.http().get('/docs-json').expect(200);
      const responses = api.paths['/api/v1/companies/{companyId}/external-orders'].post.responses;
      expect(responses['201']).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderOutcomeResponseDto' } } },
        headers: { Location: expect.any(Object), ETag: expect.any(Object) },
      });
      expect(responses['200'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/OrderOutcomeResponseDto',
      );
      expect(api.components.schemas.OrderOutcomeResponseDto.properties.status.enum).toEqual([...ORDER_STATUSES]);
      expect(api.components.schemas.CustomerDto.properties.phone.description).toMatch(/87776665544/);
    });
  });

  describe("the list's status filter", () => {
    it("takes the values of the orders' status field, in any case, and the seed's filter names", async () => {
      const orderId = (await submit(seedOrder({ externalId: '5' })).expect(201)).body.orderId;
      await listed('AWAITING', orderId);
      for (const status of ['AWAITING', 'awaiting', 'Awaiting', 'Ожидает', 'ожидает', 'ОЖИДАЕТ', 'ALL', 'all', 'Все']) {
        const page = await list(status);
        expect({ status, listed: page.items.some((line: { orderId: string }) => line.orderId === orderId) }).toEqual({
          status,
          listed: true,
        });
      }
      expect((await list('Создан')).items.some((line: { orderId: string }) => line.orderId === orderId)).toBe(false);
    });

    it("counts by the same vocabulary, and its OpenAPI enum is ALL and the status field's values", async () => {
      const page = await list('ALL');
      expect(Object.keys(page.counts)).toEqual(['ALL', ...ORDER_STATUSES]);
      const { body: api } = await intake.http().get('/docs-json').expect(200);
      const filter = api.paths['/api/v1/companies/{companyId}/external-orders'].get.parameters.find(
        (p: { name: string }) => p.name === 'status',
      );
      expect(filter.schema.enum).toEqual(['ALL', ...ORDER_STATUSES]);
    });

    it('answers a value that names no status with 422 INVALID_ENUM', async () => {
      for (const status of ['pending', 'on the road', 'Ожидание']) {
        const refused = await intake.http().get(orders()).query({ status }).set(key()).expect(422);
        expect(refused.body.errors).toContainEqual(expect.objectContaining({ code: 'INVALID_ENUM', field: 'status' }));
      }
    });
  });

  describe('«Принять», the empty POS order, the confirmed contents', () => {
    let orderId: string;

    beforeAll(async () => {
      orderId = (await submit(seedOrder({ externalId: '6' })).expect(201)).body.orderId;
    });

    it("shows the guest's lines before «Принять», and refuses contents: 409 INVALID_STATE_TRANSITION", async () => {
      expect(await view(orderId)).toMatchObject({
        status: 'AWAITING',
        items: GUEST_LINES,
        receivedItems: GUEST_LINES,
        posOrder: null,
      });
      const early = await act(orderId, 'confirm-contents', { items: GUEST_LINES }).expect(409);
      expect(early.body.errors).toEqual([expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' })]);
    });

    it("«Принять» creates the POS order EMPTY until confirmed; the guest's lines stay as ordered", async () => {
      expect((await act(orderId, 'accept').expect(200)).body).toEqual({ orderId, status: 'CREATED', version: 3 });
      expect(await view(orderId)).toMatchObject({
        status: 'CREATED',
        items: [],
        receivedItems: GUEST_LINES,
        contentsConfirmed: false,
        amountMinor: 21200,
        posOrder: { ref: orderId, table: 'Dlv.6', items: [] },
      });
      expect(await listed('Создан', orderId)).toMatchObject({
        status: 'CREATED',
        contents: [],
        orderedItems: GUEST_LINES,
        contentsConfirmed: false,
      });
      const dispatch = await act(orderId, 'dispatch').expect(409);
      expect(dispatch.body.errors).toEqual([expect.objectContaining({ code: 'CONTENTS_NOT_CONFIRMED' })]);
    });

    it("confirming the contents (the guest's, extended on the phone) fills the POS order: «Принят»", async () => {
      const confirmed = [...GUEST_LINES, { name: 'Морс', quantity: 1, priceMinor: 9000 }];
      expect((await act(orderId, 'confirm-contents', { items: confirmed }).expect(200)).body.status).toBe('ACCEPTED');
      expect(await view(orderId)).toMatchObject({
        status: 'ACCEPTED',
        items: confirmed,
        receivedItems: GUEST_LINES,
        contentsConfirmed: true,
        contentsChanged: true,
        amountMinor: 30200,
        posOrder: { table: 'Dlv.6', items: confirmed },
      });
      expect(await listed('Принят', orderId)).toMatchObject({
        contents: confirmed,
        orderedItems: GUEST_LINES,
        amountMinor: 30200,
      });
    });

    it("goes «В пути», then «Архив»: found by the seed's filter name, the status value, the old alias", async () => {
      expect((await act(orderId, 'dispatch').expect(200)).body.status).toBe('ON_WAY');
      for (const status of ['В пути', 'в пути', 'ON_WAY', 'on_way', 'on_the_way'])
        expect((await listed(status, orderId)).status).toBe('ON_WAY');
      expect((await act(orderId, 'archive').expect(200)).body.status).toBe('ARCHIVED');
      expect((await listed('Архив', orderId)).status).toBe('ARCHIVED');
      const late = await act(orderId, 'confirm-contents', { items: GUEST_LINES }).expect(409);
      expect(late.body.errors).toEqual([expect.objectContaining({ code: 'ORDER_IN_TERMINAL_STATE' })]);
    });

    it('a guest who refuses: «Удален», found as Удален and удалён', async () => {
      const refused = (await submit(seedOrder({ externalId: '7' })).expect(201)).body.orderId;
      expect((await act(refused, 'reject', { reasonCode: 'GUEST_REFUSED' }).expect(200)).body.status).toBe('DELETED');
      expect((await listed('Удален', refused)).status).toBe('DELETED');
      expect((await listed('удалён', refused)).status).toBe('DELETED');
    });
  });

  describe("orders stored before the requested time's offset was kept", () => {
    it('reads a version-1 ExternalOrderReceived as it was (UTC), writes version 2 with the offset', async () => {
      const current = (await submit(seedOrder({ externalId: '8' })).expect(201)).body.orderId;
      const stored = async (orderId: string) =>
        (
          await intake.pool.query<{ schema_version: number; data: Record<string, unknown> }>(
            `SELECT schema_version, data FROM event_store.events
            WHERE stream_id = $1 AND type = 'ExternalOrderReceived'`,
            [`external_order-${orderId}`],
          )
        ).rows[0];
      expect(await stored(current)).toMatchObject({
        schema_version: 2,
        data: { requestedTime: '2020-01-13T06:30:00.000Z', requestedTimeOffset: '+06:00' },
      });

      // The same order as version 1 wrote it: the instant only, no offset.
      const old = randomUUID();
      const { requestedTimeOffset: _offset, ...v1 } = (await stored(current)).data;
      await intake.app.get(EventStore).append(`external_order-${old}`, 'no_stream', [
        {
          type: 'ExternalOrderReceived',
          schemaVersion: 1,
          data: { ...v1, orderId: old, externalId: 'old-8' },
          metadata: { tenantId: 'company-a' },
        },
      ]);
      expect(await stored(old)).toMatchObject({
        schema_version: 1,
        data: { requestedTime: '2020-01-13T06:30:00.000Z' },
      });
      expect((await stored(old)).data).not.toHaveProperty('requestedTimeOffset');
      expect(await view(old)).toMatchObject({
        requestedTime: '2020-01-13T06:30:00Z',
        items: GUEST_LINES,
        status: 'AWAITING',
      });
      expect((await listed('AWAITING', old)).requestedTime).toBe('2020-01-13T06:30:00Z');
      expect((await act(old, 'accept').expect(200)).body.status).toBe('CREATED');
      expect((await intake.app.get(EventStore).verifyStream(`external_order-${old}`)).ok).toBe(true);
    });
  });
});
