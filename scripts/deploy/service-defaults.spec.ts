// The services' built-in defaults and scripts/lib/settings.js (used by infra:up, npm start and the tests)
// describe the same local stack.
import { serviceDefaults } from '@orders/service-kit';
import { serviceManifests } from './service-manifests';

type Settings = typeof import('../lib/settings');

function settingsWithoutOverrides(): Settings {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) {
    if (/^(KAFKA_|PG|POSTGRES_)|_DATABASE_URL$/.test(name)) delete process.env[name];
  }
  try {
    let settings = {} as Settings;
    jest.isolateModules(() => {
      settings = jest.requireActual<Settings>('../lib/settings');
    });
    return settings;
  } finally {
    process.env = saved;
  }
}

describe('service defaults', () => {
  const settings = settingsWithoutOverrides();

  it.each(serviceManifests())('$name defaults to the database and broker the local stack provides', (manifest) => {
    const defaults = serviceDefaults(manifest);
    expect(defaults.DATABASE_URL).toBe(settings.postgres.databases[manifest.databaseUrlVariable]);
    expect(defaults.KAFKA_BROKERS).toBe(settings.kafka.brokers);
  });
});
