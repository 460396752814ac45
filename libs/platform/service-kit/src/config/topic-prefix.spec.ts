import { ConfigValidationError, readDeclaredSettings, readServiceConfig } from './service-config';
import { declareSettings } from './service-settings';
import { ServiceDefinition } from './service-definition';
import { TOPIC_PREFIX_DEFAULTS, TopicPrefixVariables } from './topic-prefix';

const probe: ServiceDefinition = {
  name: 'prefix-probe',
  title: 'Probe',
  description: 'probe',
  defaultPort: 3998,
  databaseUrlVariable: 'PROBE_DATABASE_URL',
  databaseName: 'probe',
};

class ProbeVariables extends TopicPrefixVariables {}
const prefixSettings = declareSettings({
  token: Symbol('probe'),
  variables: ProbeVariables,
  defaults: { ...TOPIC_PREFIX_DEFAULTS },
  build: (env) => env.TOPIC_PREFIX,
});

describe('TOPIC_PREFIX, the one topic naming scheme', () => {
  it('is empty unless set, and read as given', () => {
    expect(readDeclaredSettings(probe, prefixSettings, {})).toBe('');
    expect(readDeclaredSettings(probe, prefixSettings, { TOPIC_PREFIX: 'staging-1.' })).toBe('staging-1.');
  });

  it('refuses what Kafka would not take in a topic name, naming the variable', () => {
    for (const bad of ['bad prefix', 'a/b', 'x'.repeat(101)]) {
      expect(() => readServiceConfig(probe, { TOPIC_PREFIX: bad }, [prefixSettings])).toThrow(/TOPIC_PREFIX=/);
    }
  });

  it('fails start-up when a retired per-service prefix is still set, rather than silently stop prefixing', () => {
    const read = () => readServiceConfig(probe, { INTAKE_TOPIC_PREFIX: 'staging.' }, [prefixSettings]);
    expect(read).toThrow(ConfigValidationError);
    expect(read).toThrow(/INTAKE_TOPIC_PREFIX is no longer read: set TOPIC_PREFIX/);
  });
});
