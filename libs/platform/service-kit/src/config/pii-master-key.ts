import { Logger } from '@nestjs/common';
import { ServiceConfig } from './service-config';

/**
 * The key a service's personal-data vault wraps each order's key with (architecture rule 7): `PII_MASTER_KEY`, from
 * the validated configuration. Without it the per-order keys are stored unwrapped, so a database dump reads every
 * record: acceptable on a developer machine only, so anywhere else (NODE_ENV other than `development`) start-up
 * says so in the log.
 */
export function piiMasterKeyOf(config: ServiceConfig, logger = new Logger('PersonalData')): string | undefined {
  if (config.piiMasterKey) return config.piiMasterKey;
  if (config.environment !== 'development') {
    logger.warn(
      `PII_MASTER_KEY is not set (NODE_ENV=${config.environment}): ${config.service.name} stores each order's personal-data key ` +
        'unwrapped, so a database dump decrypts all personal data. Set PII_MASTER_KEY (32 bytes, hex or base64).',
    );
  }
  return undefined;
}
