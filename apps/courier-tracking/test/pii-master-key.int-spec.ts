import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { order, startCourierTracking, type CourierTestApp } from './courier-app';

// Boots the real app twice on a shared 2-core machine (migrations, Kafka start-up): longer than jest's 5 s default.
jest.setTimeout(90_000);

const company = '/api/v1/companies/company-a';
const piiWarnings = (warn: jest.SpyInstance): unknown[] => warn.mock.calls.filter(([message]) => String(message).includes('PII_MASTER_KEY'));

/** Creates an order carrying personal data and returns what the vault's key table holds. */
async function keyRowsAfterAnOrder(app: CourierTestApp): Promise<{ wrapped: boolean; bytes: number }[]> {
  const phone = `+7916${randomBytes(3).readUIntBE(0, 3) % 10_000_000}`;
  const created = await app.http().post(`${company}/orders`).set({ 'Api-Key': app.keys.companyA }).send(order({ phone })).expect(201);
  // The vault still opens what it sealed: the API shows the phone.
  const shown = await app.http().get(`${company}/orders/${created.body.delivery_id}`).set({ 'Api-Key': app.keys.companyA }).expect(200);
  expect(shown.body.phone).toBe(phone);
  const { rows } = await app.pool.query<{ wrapped: boolean; bytes: number }>(
    'SELECT wrapped, octet_length(data_key) AS bytes FROM personal_data.subject_keys WHERE data_key IS NOT NULL');
  return rows;
}

describe('courier-tracking: PII_MASTER_KEY wraps every personal-data key', () => {
  let warn: jest.SpyInstance;
  let app: CourierTestApp | undefined;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(async () => {
    warn.mockRestore();
    await app?.close();
    app = undefined;
  });

  it('with PII_MASTER_KEY set, stores no unwrapped key and warns about nothing', async () => {
    app = await startCourierTracking({ PII_MASTER_KEY: randomBytes(32).toString('hex'), NODE_ENV: 'production' });
    const rows = await keyRowsAfterAnOrder(app);
    expect(rows.length).toBeGreaterThan(0);
    // Wrapped: AES-GCM of the 32-byte key with its IV and tag, never the bare 32 bytes.
    expect(rows.filter((row) => !row.wrapped || row.bytes === 32)).toEqual([]);
    expect(piiWarnings(warn)).toEqual([]);
  });

  it('without it, outside development, start-up warns that the keys are stored unwrapped', async () => {
    app = await startCourierTracking({ PII_MASTER_KEY: '', NODE_ENV: 'production' });
    expect(piiWarnings(warn)).toEqual([[expect.stringMatching(/PII_MASTER_KEY is not set \(NODE_ENV=production\).*unwrapped/)]]);
    // What the warning is about: the bare keys are in the table.
    expect((await keyRowsAfterAnOrder(app)).every((row) => !row.wrapped)).toBe(true);
  });
});
