import { randomBytes } from 'node:crypto';
import { startIntake, submission, type IntakeTestApp } from './intake-app';

// The real app on a shared 2-core machine: longer than jest's 5 s default.
jest.setTimeout(60_000);

/** Intake read an undocumented PERSONAL_DATA_MASTER_KEY; the vault now takes the validated PII_MASTER_KEY. */
describe('intake: PII_MASTER_KEY wraps every personal-data key', () => {
  let intake: IntakeTestApp;

  beforeAll(async () => {
    intake = await startIntake({ PII_MASTER_KEY: randomBytes(32).toString('base64'), NODE_ENV: 'production' });
  }, 60_000);
  afterAll(async () => intake?.close());

  it('stores no unwrapped key, and still shows the customer to the company', async () => {
    const key = { 'Api-Key': intake.keys.companyA };
    const created = await intake.http().post('/api/v1/companies/company-a/external-orders').set(key).send(submission()).expect(201);
    const view = await intake.http().get(`/api/v1/companies/company-a/external-orders/${created.body.orderId}`).set(key).expect(200);
    expect(JSON.stringify(view.body)).toContain('+77776665544');
    const { rows } = await intake.pool.query<{ wrapped: boolean; bytes: number }>(
      'SELECT wrapped, octet_length(data_key) AS bytes FROM personal_data.subject_keys WHERE data_key IS NOT NULL');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => !row.wrapped || row.bytes === 32)).toEqual([]);
  });
});
