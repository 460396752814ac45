import { randomBytes } from 'node:crypto';
import { useCourierTracking } from './courier-app';

// The real app on a shared 2-core machine: longer than jest's 5 s default.
jest.setTimeout(30_000);

/** Route ids are global; a company must not learn from a PUT that another company holds one. */
describe("courier-tracking routes: another company's route id answers as if it did not exist", () => {
  const courier = useCourierTracking();
  const tag = randomBytes(4).toString('hex');
  const as = (company: 'a' | 'b') => ({
    key: { 'Api-Key': company === 'a' ? courier.keys.companyA : courier.keys.companyB },
    path: (routeId: string) => `/api/v1/companies/company-${company}/routes/${routeId}`,
  });
  const body = (courierId: string) => ({ courier_id: courierId, date: '2026-03-02' });
  /** What the caller sees, with the id it asked about taken out: equal answers tell nothing apart. */
  type Answer = { status: number; body: { errors?: { code: string; message: string; details?: { id?: string } }[] } };
  const answer = (response: Answer, routeId: string) => ({
    status: response.status,
    errors: response.body.errors?.map((e) => ({
      ...e, message: e.message.replace(routeId, '<id>'), ...(e.details ? { details: { ...e.details, id: e.details.id?.replace(routeId, '<id>') } } : {}),
    })),
  });

  it.each([['a', 'b'], ['b', 'a']] as const)('company %s holds the route: company %s gets a 404 and changes nothing', async (owner, other) => {
    const held = `r-held-${owner}-${tag}`;
    const unknown = `r-unknown-${other}-${tag}`;
    await courier.http().put(as(owner).path(held)).set(as(owner).key).send(body(`k-${owner}`)).expect(200);

    const put = await courier.http().put(as(other).path(held)).set(as(other).key).send(body(`k-${other}`));
    const get = await courier.http().get(as(other).path(held)).set(as(other).key);
    const getUnknown = await courier.http().get(as(other).path(unknown)).set(as(other).key);
    expect(answer(put, held)).toEqual({ status: 404, errors: [{ code: 'NOT_FOUND', message: 'no route <id>', details: { resource: 'route', id: '<id>' } }] });
    expect(answer(get, held)).toEqual(answer(getUnknown, unknown));
    expect(JSON.stringify(put.body)).not.toMatch(/another|taken|belongs/i);

    const kept = await courier.http().get(as(owner).path(held)).set(as(owner).key).expect(200);
    expect(kept.body).toMatchObject({ route_id: held, courier_id: `k-${owner}` });
  });

  it("checks the owner in the database, not in a cached miss of the other company's earlier read", async () => {
    const id = `r-race-${tag}`;
    await courier.http().get(as('b').path(id)).set(as('b').key).expect(404);
    // Written behind this instance's cache, as another instance would.
    await courier.pool.query(`INSERT INTO routes (route_id, company_id, courier_id, date) VALUES ($1, 'company-a', 'k-a', '2026-03-02')`, [id]);
    await courier.http().put(as('b').path(id)).set(as('b').key).send(body('k-b')).expect(404);
    const { rows } = await courier.pool.query('SELECT company_id, courier_id FROM routes WHERE route_id = $1', [id]);
    expect(rows).toEqual([{ company_id: 'company-a', courier_id: 'k-a' }]);
  });
});
