import { Logger } from '@nestjs/common';
import { readServiceConfig } from './service-config';
import { piiMasterKeyOf } from './pii-master-key';

const probe = { name: 'probe', title: 'Probe', description: 'probe', defaultPort: 3999, databaseUrlVariable: 'PROBE_DATABASE_URL', databaseName: 'probe' };
const key = 'a'.repeat(64);

describe('the personal-data master key', () => {
  const logger = new Logger('spec');
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('is PII_MASTER_KEY from the validated configuration', () => {
    expect(piiMasterKeyOf(readServiceConfig(probe, { PII_MASTER_KEY: key }), logger)).toBe(key);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each(['production', 'test', undefined])('is missing with a warning when NODE_ENV=%s', (environment) => {
    const config = readServiceConfig(probe, environment ? { NODE_ENV: environment } : {});
    expect(piiMasterKeyOf(config, logger)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('PII_MASTER_KEY is not set'));
  });

  it('is missing quietly on a development machine', () => {
    expect(piiMasterKeyOf(readServiceConfig(probe, { NODE_ENV: 'development' }), logger)).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });
});
