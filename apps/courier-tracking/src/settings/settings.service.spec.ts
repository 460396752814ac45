import type { EventStore } from '@orders/event-store';
import { SETTINGS_CACHE_LIMITS, SettingsService } from './settings.service';

/** A pool that answers every query with `rows` (or the upsert's row count) and counts the reads. */
function fakeStore(rows: () => unknown[] = () => []) {
  const query = jest.fn(async (sql: string) => (sql.startsWith('SELECT') ? { rows: rows(), rowCount: rows().length } : { rows: [], rowCount: 1 }));
  const reads = () => query.mock.calls.filter(([sql]) => String(sql).startsWith('SELECT')).length;
  return { store: { pool: { query } } as unknown as EventStore, reads };
}

describe('SettingsService caches', () => {
  it('caches a miss: an unknown route or depot is read once', async () => {
    const { store, reads } = fakeStore();
    const settings = new SettingsService(store);
    expect(await settings.route('company-a', 'r-unknown')).toBeNull();
    expect(await settings.route('company-a', 'r-unknown')).toBeNull();
    expect(await settings.depot('company-a', 'd-unknown')).toBeNull();
    expect(await settings.depot('company-a', 'd-unknown')).toBeNull();
    expect(reads()).toBe(2);
  });

  it('replaces a cached miss on a write through the service', async () => {
    const { store, reads } = fakeStore();
    const settings = new SettingsService(store);
    expect(await settings.route('company-a', 'r-1')).toBeNull();
    await settings.putRoute('company-a', 'r-1', { courier_id: 'k-1', date: '2026-03-02' });
    expect(settings.cachedRoute('company-a', 'r-1')).toMatchObject({ company_id: 'company-a', courier_id: 'k-1' });
    expect(await settings.depot('company-a', 'd-1')).toBeNull();
    await settings.putDepot('company-a', 'd-1', { name: 'North' });
    expect(await settings.depot('company-a', 'd-1')).toMatchObject({ name: 'North' });
    expect(reads()).toBe(2);
  });

  it('holds at most its limit of routes, dropping the least recently used', async () => {
    const { store, reads } = fakeStore();
    const settings = new SettingsService(store);
    for (let i = 0; i <= SETTINGS_CACHE_LIMITS.routes; i++) await settings.route('company-a', `r-${i}`);
    expect(settings.cachedRoute('company-a', 'r-0')).toBeUndefined();
    expect(settings.cachedRoute('company-a', `r-${SETTINGS_CACHE_LIMITS.routes}`)).toBeNull();
    expect(reads()).toBe(SETTINGS_CACHE_LIMITS.routes + 1);
  });
});
