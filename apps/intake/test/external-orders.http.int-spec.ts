import { eventually, startIntake, submission, type IntakeTestApp } from './intake-app';

// The board and its notices are eventually consistent; on a busy shared machine they take seconds. Waits are on
// conditions, never on time: this only bounds how long a broken run hangs.
jest.setTimeout(60_000);

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
      orderId,
      companyId: 'company-a',
      source: 'site',
      externalId: body.externalId,
      status: 'AWAITING',
      version: 1,
      customer: { name: 'Ivan Ivanovich Ivanov', phone: '+77776665544' },
      address: 'Pushkin street 2, apt 5',
      requestedTime: '2026-11-23T12:30:00+03:00',
      amountMinor: 38600,
      contentsConfirmed: false,
      history: [{ version: 1, type: 'ExternalOrderReceived', actor: 'desk-a' }],
    });

    const board = await eventually(
      async () =>
        (await intake.http().get(`${orders()}?status=awaiting`).set(as(intake.keys.companyA)).expect(200)).body,
      (page) => page.items.some((line: { orderId: string }) => line.orderId === orderId),
    );
    expect(board.items.find((line: { orderId: string }) => line.orderId === orderId)).toMatchObject({
      number: body.externalId,
      status: 'AWAITING',
      customer: 'Ivan Ivanovich Ivanov',
      contacts: { phone: '+77776665544', address: 'Pushkin street 2, apt 5' },
      amountMinor: 38600,
      currency: 'RUB',
      contents: [
        { sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 },
        { name: 'Bread', quantity: 1, priceMinor: 3800 },
      ],
      awaitingSeconds: expect.any(Number),
    });
    expect(board.counts.AWAITING).toBeGreaterThanOrEqual(1);
    expect(board.oldestAwaitingSeconds).toEqual(expect.any(Number));
  });

  it('counts orders per status, filters and pages the list, oldest waiting first', async () => {
    const keyB = as(intake.keys.companyB);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await submit(submission(), 'company-b', intake.keys.companyB).expect(201)).body.orderId);
    await intake
      .http()
      .post(`${orders('company-b')}/${ids[0]}/accept`)
      .set(keyB)
      .send({})
      .expect(200);
    await intake
      .http()
      .post(`${orders('company-b')}/${ids[1]}/reject`)
      .set(keyB)
      .send({ reasonCode: 'OUT_OF_STOCK' })
      .expect(200);
    const board = await eventually(
      async () =>
        (
          await intake
            .http()
            .get(`${orders('company-b')}?status=awaiting&pageSize=1`)
            .set(keyB)
            .expect(200)
        ).body,
      (page) => page.counts.CREATED === 1 && page.counts.DELETED === 1,
    );
    expect(board.counts).toEqual({
      ALL: 4,
      AWAITING: 2,
      CREATED: 1,
      ACCEPTED: 0,
      ON_WAY: 0,
      ARCHIVED: 0,
      DELETED: 1,
      CANCELLED: 0,
    });
    expect(board).toMatchObject({ page: 1, pageSize: 1, total: 2, items: [{ orderId: ids[2], status: 'AWAITING' }] });
    const second = (
      await intake
        .http()
        .get(`${orders('company-b')}?status=awaiting&pageSize=1&page=2`)
        .set(keyB)
        .expect(200)
    ).body;
    expect(second.items.map((line: { orderId: string }) => line.orderId)).toEqual([ids[3]]);
    const deleted = (
      await intake
        .http()
        .get(`${orders('company-b')}?status=deleted`)
        .set(keyB)
        .expect(200)
    ).body;
    expect(deleted.items).toEqual([
      expect.objectContaining({ orderId: ids[1], status: 'DELETED', awaitingSeconds: null }),
    ]);
  });

  it('describes its routes in OpenAPI', async () => {
    const { body } = await intake.http().get('/docs-json').expect(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/companies/{companyId}/external-orders',
        '/api/v1/companies/{companyId}/external-orders/{orderId}',
        '/api/v1/companies/{companyId}/external-orders/{orderId}/accept',
        '/api/v1/companies/{companyId}/external-orders/{orderId}/confirm-contents',
        '/api/v1/companies/{companyId}/external-order-events',
      ]),
    );
    expect(body.components.schemas.SubmitOrderRequestDto.required).toEqual(
      expect.arrayContaining(['source', 'externalId', 'customer', 'items']),
    );
  });
});

describe('intake HTTP: rules, errors and races', () => {
  let intake: IntakeTestApp;
  const as = (key: string) => ({ 'Api-Key': key });
  const keyA = () => as(intake.keys.companyA);

  beforeAll(async () => {
    intake = await startIntake({ INTAKE_LICENSES: 'company-a,company-b,company-expired:2020-11-17' });
  }, 60_000);
  afterAll(async () => intake?.close());

  const submitted = async (body = submission()): Promise<string> =>
    (await intake.http().post(orders()).set(keyA()).send(body).expect(201)).body.orderId;
  const act = (orderId: string, action: string, body: object = {}, headers: Record<string, string> = {}) =>
    intake
      .http()
      .post(`${orders()}/${orderId}/${action}`)
      .set({ ...keyA(), ...headers })
      .send(body);
  const eventCount = async (orderId: string): Promise<number> =>
    Number(
      (
        await intake.pool.query('SELECT count(*) FROM event_store.events WHERE stream_id = $1', [
          `external_order-${orderId}`,
        ])
      ).rows[0].count,
    );
  const codes = (body: { errors: { code: string; field?: string }[] }) =>
    body.errors.map((e) => (e.field ? `${e.field}:${e.code}` : e.code));

  it('answers a repeated submission with the same order and appends nothing; another payload is DUPLICATE_EXTERNAL_ID', async () => {
    const body = submission();
    const orderId = await submitted(body);
    const again = await intake.http().post(orders()).set(keyA()).send(body).expect(200);
    expect(again.body).toEqual({ orderId, status: 'AWAITING', version: 1 });
    const otherItems = await intake
      .http()
      .post(orders())
      .set(keyA())
      .send({ ...body, amountMinor: 1 })
      .expect(409);
    expect(codes(otherItems.body)).toEqual(['external_id:DUPLICATE_EXTERNAL_ID']);
    const otherPhone = await intake
      .http()
      .post(orders())
      .set(keyA())
      .send({ ...body, customer: { name: 'Ivan', phone: '+77770000000' } })
      .expect(409);
    expect(codes(otherPhone.body)).toEqual(['external_id:DUPLICATE_EXTERNAL_ID']);
    expect(await eventCount(orderId)).toBe(1);
    // The guest's data of the first submission was not overwritten by the refused one.
    const view = await intake.http().get(`${orders()}/${orderId}`).set(keyA()).expect(200);
    expect(view.body.customer).toEqual({ name: 'Ivan Ivanovich Ivanov', phone: '+77776665544' });
  });

  it('makes one order of identical first submissions racing each other', async () => {
    const body = submission();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => intake.http().post(orders()).set(keyA()).send(body)),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((res) => res.body.orderId)).size).toBe(1);
    expect(await eventCount(answers[0].body.orderId)).toBe(1);
  });

  it('refuses a company without a valid "Internet orders" licence with 403 LICENSE_REQUIRED', async () => {
    const operator = as(intake.keys.operator);
    const none = await intake.http().post(orders('company-unlicensed')).set(operator).send(submission()).expect(403);
    expect(codes(none.body)).toEqual(['LICENSE_REQUIRED']);
    const expired = await intake.http().post(orders('company-expired')).set(operator).send(submission()).expect(403);
    expect(expired.body.errors[0].message).toMatch(/expired/);
  });

  it('answers invalid fields with 422 and a code per field, before any state is read', async () => {
    const res = await intake
      .http()
      .post(orders())
      .set(keyA())
      .send(
        submission({
          externalId: 'x'.repeat(129),
          serviceType: 'drone',
          customer: { name: '', phone: '12345' },
          address: undefined,
          items: [{ name: 'Pie', quantity: 0, priceMinor: -1 }],
          amountMinor: 1.5,
          currency: 'rub',
          requestedTime: 'tomorrow',
        }),
      )
      .expect(422);
    expect(res.body.errors[0].code).toBe('VALIDATION_FAILED');
    expect(codes(res.body)).toEqual(
      expect.arrayContaining([
        'externalId:FIELD_TOO_LONG',
        'serviceType:INVALID_ENUM',
        'customer.name:REQUIRED_FIELD',
        'customer.phone:INVALID_VALUE',
        'address:REQUIRED_FIELD',
        'items.0.quantity:OUT_OF_RANGE',
        'items.0.priceMinor:OUT_OF_RANGE',
        'amountMinor:INVALID_VALUE',
        'currency:INVALID_VALUE',
        'requestedTime:INVALID_VALUE',
      ]),
    );
    const empty = await intake
      .http()
      .post(orders())
      .set(keyA())
      .send(submission({ items: [] }))
      .expect(422);
    expect(codes(empty.body)).toContain('items:OUT_OF_RANGE');
    const filter = await intake.http().get(`${orders()}?status=pending&pageSize=1000`).set(keyA()).expect(422);
    expect(codes(filter.body)).toEqual(expect.arrayContaining(['status:INVALID_ENUM', 'pageSize:OUT_OF_RANGE']));
    // An unknown order with a bad reason is 422 (validation first), not 404.
    const reason = await act('00000000-0000-8000-8000-000000000000', 'reject', { reasonCode: 'BORED' }).expect(422);
    expect(codes(reason.body)).toContain('reasonCode:INVALID_ENUM');
  });

  it('walks an order from AWAITING to ARCHIVED: empty POS order, confirmed contents, dispatch, archive', async () => {
    const orderId = await submitted();
    expect((await act(orderId, 'accept', {}, { 'If-Match': '"1"' }).expect(200)).body).toEqual({
      orderId,
      status: 'CREATED',
      version: 3,
    });
    const dispatchEarly = await act(orderId, 'dispatch').expect(409);
    expect(codes(dispatchEarly.body)).toEqual(['CONTENTS_NOT_CONFIRMED']);
    const changed = [{ sku: 'PIE', name: 'Pie', quantity: 3, priceMinor: 17400 }];
    expect(
      (await act(orderId, 'confirm-contents', { items: changed, expectedVersion: 3 }).expect(200)).body.status,
    ).toBe('ACCEPTED');
    await act(orderId, 'dispatch').expect(200);
    const archived = await act(orderId, 'archive').expect(200);
    expect(archived.body).toEqual({ orderId, status: 'ARCHIVED', version: 6 });
    expect((await act(orderId, 'accept').expect(200)).body.version).toBe(6); // already accepted: nothing appended

    const view = (await intake.http().get(`${orders()}/${orderId}`).set(keyA()).expect(200)).body;
    expect(view).toMatchObject({
      status: 'ARCHIVED',
      items: changed,
      amountMinor: 52200,
      contentsConfirmed: true,
      contentsChanged: true,
      posOrder: { ref: orderId },
    });
    expect(view.history.map((h: { type: string }) => h.type)).toEqual([
      'ExternalOrderReceived',
      'ExternalOrderAccepted',
      'PosOrderCreated',
      'OrderContentsConfirmed',
      'ExternalOrderDispatched',
      'ExternalOrderArchived',
    ]);
    const pos = await intake.pool.query(
      `SELECT data FROM event_store.events WHERE stream_id = $1 AND type = 'PosOrderCreated'`,
      [`external_order-${orderId}`],
    );
    expect(pos.rows[0].data.items).toEqual([]);
  });

  it('answers state and version conflicts with 409 and their codes', async () => {
    const orderId = await submitted();
    await act(orderId, 'reject', { reasonCode: 'GUEST_REFUSED' }).expect(200);
    expect(codes((await act(orderId, 'accept').expect(409)).body)).toEqual(['ORDER_IN_TERMINAL_STATE']);
    const other = await submitted();
    // A bodyless POST is an action without conditions, as integrators send it.
    await intake.http().post(`${orders()}/${other}/accept`).set(keyA()).expect(200);
    expect(codes((await act(other, 'reject', { reasonCode: 'OTHER' }).expect(409)).body)).toEqual([
      'ORDER_ALREADY_DECIDED',
    ]);
    expect(codes((await act(other, 'archive', {}, { 'If-Match': '"1"' }).expect(409)).body)).toEqual([
      'CONCURRENCY_CONFLICT',
    ]);
    expect(codes((await act(other, 'archive', {}, { 'If-Match': 'three' }).expect(422)).body)).toEqual([
      'VALIDATION_FAILED',
      'If-Match:INVALID_VALUE',
    ]);
  });

  it('lets exactly one of accept and reject win when they race at one version', async () => {
    for (let round = 0; round < 5; round++) {
      const orderId = await submitted();
      const [accepted, rejected] = await Promise.all([
        act(orderId, 'accept', { expectedVersion: 1 }),
        act(orderId, 'reject', { reasonCode: 'GUEST_REFUSED', expectedVersion: 1 }),
      ]);
      const statuses = [accepted.status, rejected.status].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = accepted.status === 409 ? accepted : rejected;
      expect(codes(loser.body)).toEqual(['CONCURRENCY_CONFLICT']);
      expect(await eventCount(orderId)).toBe(accepted.status === 200 ? 3 : 2);
    }
  });

  it('replays a retried command with the same Idempotency-Key and refuses the key with another body', async () => {
    const orderId = await submitted();
    const first = await act(
      orderId,
      'accept',
      { expectedVersion: 1 },
      { 'Idempotency-Key': `accept-${orderId}` },
    ).expect(200);
    const retry = await act(
      orderId,
      'accept',
      { expectedVersion: 1 },
      { 'Idempotency-Key': `accept-${orderId}` },
    ).expect(200);
    expect(retry.body).toEqual(first.body);
    expect(await eventCount(orderId)).toBe(3);
    const reused = await act(
      orderId,
      'reject',
      { reasonCode: 'OTHER' },
      { 'Idempotency-Key': `accept-${orderId}` },
    ).expect(409);
    expect(codes(reused.body)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    // Keys belong to their caller: another desk using the same key is not a reuse.
    await intake
      .http()
      .post(`${orders()}/${orderId}/accept`)
      .set({ ...as(intake.keys.operator), 'Idempotency-Key': `accept-${orderId}` })
      .send({})
      .expect(200);
  });

  it('keeps each company to its own orders: 403 on a path naming another company, 404 for its order ids', async () => {
    const orderId = await submitted();
    const keyB = as(intake.keys.companyB);
    await intake.http().get(orders('company-a')).set(keyB).expect(403);
    await intake
      .http()
      .get(`${orders('company-a')}/${orderId}`)
      .set(keyB)
      .expect(403);
    await intake.http().post(orders('company-a')).set(keyB).send(submission()).expect(403);
    const hidden = await intake
      .http()
      .get(`${orders('company-b')}/${orderId}`)
      .set(keyB)
      .expect(404);
    expect(hidden.body.errors).toEqual([
      { code: 'NOT_FOUND', message: expect.any(String), details: { resource: 'order', id: orderId } },
    ]);
    await intake
      .http()
      .post(`${orders('company-b')}/${orderId}/accept`)
      .set(keyB)
      .send({})
      .expect(404);
    await intake
      .http()
      .post(`${orders('company-b')}/${orderId}/accept`)
      .set(keyB)
      .send({ expectedVersion: 7 })
      .expect(404);
    const boardB = await intake.http().get(orders('company-b')).set(keyB).expect(200);
    expect(boardB.body.items.map((line: { orderId: string }) => line.orderId)).not.toContain(orderId);
    // An operator for every company sees it; a read-only key of company A cannot act.
    await intake
      .http()
      .get(`${orders('company-a')}/${orderId}`)
      .set(as(intake.keys.operator))
      .expect(200);
    await intake
      .http()
      .post(`${orders('company-a')}/${orderId}/accept`)
      .set(as(intake.keys.readOnlyA))
      .send({})
      .expect(403);
    await intake.http().get(orders('company-a')).expect(401);
  });

  it('writes no personal data into the events table', async () => {
    const orderId = await submitted(
      submission({
        customer: { name: 'Zinaida Unique-Surname', phone: '+79991234567' },
        address: 'Secret lane 77',
        comment: 'ring twice please',
      }),
    );
    await act(orderId, 'accept').expect(200);
    const { rows } = await intake.pool.query('SELECT data::text || metadata::text AS text FROM event_store.events');
    const log = rows.map((row) => row.text).join('\n');
    expect(log).toContain(orderId);
    for (const secret of ['Zinaida', 'Unique-Surname', '79991234567', 'Secret lane', 'ring twice'])
      expect(log).not.toContain(secret);
  });

  it('rebuilds the board from the log on request (operate scope)', async () => {
    const orderId = await submitted();
    await act(orderId, 'accept').expect(200);
    await intake.http().post('/api/v1/admin/order-board/rebuild').set(keyA()).expect(403);
    await intake.pool.query(`UPDATE intake_order_board SET status = 'DRIFTED' WHERE order_id = $1`, [orderId]);
    await intake.http().post('/api/v1/admin/order-board/rebuild').set(as(intake.keys.operator)).expect(202);
    const line = await eventually(
      async () =>
        (await intake.http().get(`${orders()}?status=created`).set(keyA()).expect(200)).body.items.find(
          (l: { orderId: string }) => l.orderId === orderId,
        ),
      (found) => found !== undefined,
    );
    expect(line.status).toBe('CREATED');
  });
});
