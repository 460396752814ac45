/**
 * Intake's own settings, beyond what every shell reads (service-kit). Read once at start-up; a bad value stops
 * the process with the variable named.
 *
 * - `INTAKE_LICENSES`: companies holding the "Internet orders" licence (S-CARBIS), comma-separated
 *   `company[:valid-until]`; `*` licenses every company without end (the default, for development).
 * - `PERSONAL_DATA_MASTER_KEY`: 32 bytes (hex or base64) wrapping each order's personal-data key; optional.
 * - `INTAKE_TOPIC_PREFIX`: prepended to every Kafka topic and the consumer group (a shared cluster holding several
 *   environments, or isolated tests); empty by default.
 */
export interface IntakeSettings {
  readonly licences: LicenceBook;
  readonly personalDataMasterKey?: string;
  readonly topicPrefix: string;
}

export interface Licence {
  /** ISO-8601 end of validity; null = no end. */
  readonly validUntil: string | null;
}

export class LicenceBook {
  constructor(private readonly everyone: boolean, private readonly byCompany: ReadonlyMap<string, Licence>) {}

  /** The company's licence, or undefined when it has none (the decider answers LICENSE_REQUIRED). */
  licenceOf(companyId: string): Licence | undefined {
    return this.byCompany.get(companyId) ?? (this.everyone ? { validUntil: null } : undefined);
  }
}

export class IntakeSettingsError extends Error {
  constructor(variable: string, problem: string) {
    super(`intake: invalid configuration\n  ${variable}: ${problem}`);
    this.name = 'ConfigValidationError';
  }
}

export function parseLicences(value: string): LicenceBook {
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  let everyone = false;
  const byCompany = new Map<string, Licence>();
  for (const entry of entries) {
    if (entry === '*') {
      everyone = true;
      continue;
    }
    const separator = entry.indexOf(':');
    const company = separator < 0 ? entry : entry.slice(0, separator);
    const until = separator < 0 ? '' : entry.slice(separator + 1);
    if (!/^[\w.-]{1,128}$/.test(company)) throw new IntakeSettingsError('INTAKE_LICENSES', `"${company}" is not a company id`);
    if (until && Number.isNaN(Date.parse(until))) throw new IntakeSettingsError('INTAKE_LICENSES', `"${until}" is not a date for ${company}`);
    byCompany.set(company, { validUntil: until ? new Date(until).toISOString() : null });
  }
  return new LicenceBook(everyone, byCompany);
}

export function readIntakeSettings(env: Record<string, string | undefined> = process.env): IntakeSettings {
  return {
    licences: parseLicences(env.INTAKE_LICENSES ?? '*'),
    personalDataMasterKey: env.PERSONAL_DATA_MASTER_KEY || undefined,
    topicPrefix: topicPrefixOf(env.INTAKE_TOPIC_PREFIX ?? ''),
  };
}

function topicPrefixOf(value: string): string {
  if (!/^[a-zA-Z0-9._-]{0,100}$/.test(value)) throw new IntakeSettingsError('INTAKE_TOPIC_PREFIX', 'only letters, digits, ".", "_" and "-" are allowed');
  return value;
}

export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');
