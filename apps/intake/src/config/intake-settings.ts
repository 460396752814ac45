import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { declareSettings, TOPIC_PREFIX_DEFAULTS, TopicPrefixVariables } from '@orders/service-kit';

export interface IntakeSettings {
  readonly licences: LicenceBook;
  readonly topicPrefix: string;
  /** The board's change feed (what a reconnecting board stream replays): kept this long, pruned this often (0: off). */
  readonly boardChanges: { readonly retentionMs: number; readonly pruneIntervalMs: number };
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
  constructor(variable: string, readonly problem: string) {
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
    if (!/^[\w.-]{1,128}$/.test(company)) {
      throw new IntakeSettingsError('INTAKE_LICENSES', `"${company}" is not a company id`);
    }
    if (until && Number.isNaN(Date.parse(until))) {
      throw new IntakeSettingsError('INTAKE_LICENSES', `"${until}" is not a date for ${company}`);
    }
    byCompany.set(company, { validUntil: until ? new Date(until).toISOString() : null });
  }
  return new LicenceBook(everyone, byCompany);
}

/** The first problem of a licence list, for the validator; undefined when it parses. */
function licenceProblem(value: unknown): string | undefined {
  try {
    parseLicences(String(value));
    return undefined;
  } catch (error) {
    return error instanceof IntakeSettingsError ? error.problem : String(error);
  }
}

/** Intake's variables, validated with the kit's at start-up (a bad one is named with every other). */
class IntakeVariables extends TopicPrefixVariables {
  @ValidateBy({
    name: 'licenceList',
    validator: {
      validate: (value) => licenceProblem(value) === undefined,
      defaultMessage: (args) => licenceProblem(args?.value) ?? '',
    },
  })
  INTAKE_LICENSES!: string;

  @Type(() => Number) @IsInt() @Min(1) @Max(24 * 366)
  INTAKE_BOARD_CHANGES_RETENTION_HOURS!: number;

  @Type(() => Number) @IsInt() @Min(0)
  INTAKE_BOARD_CHANGES_PRUNE_INTERVAL_MS!: number;
}

export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');

/**
 * Intake's own settings, beyond what every shell reads (service-kit), read by the kit's configuration:
 *
 * - `INTAKE_LICENSES`: companies holding the "Internet orders" licence (S-CARBIS), comma-separated
 *   `company[:valid-until]`; `*` licenses every company without end (the default, for development).
 * - `TOPIC_PREFIX` (the kit's one topic naming scheme): prepended to every Kafka topic and the consumer group.
 * - `INTAKE_BOARD_CHANGES_RETENTION_HOURS` (24): how long the board's change feed keeps a change for board streams
 *   that reconnect; one resuming from an older change is told to reload (`board.resync`).
 * - `INTAKE_BOARD_CHANGES_PRUNE_INTERVAL_MS` (600000): how often the feed is pruned; 0 turns the pruner off.
 *
 * The personal-data master key is the kit's `PII_MASTER_KEY` (ServiceConfig.piiMasterKey).
 */
export const intakeSettings = declareSettings({
  token: INTAKE_SETTINGS,
  variables: IntakeVariables,
  defaults: {
    INTAKE_LICENSES: '*', INTAKE_BOARD_CHANGES_RETENTION_HOURS: '24', INTAKE_BOARD_CHANGES_PRUNE_INTERVAL_MS: '600000',
    ...TOPIC_PREFIX_DEFAULTS,
  },
  build: (variables): IntakeSettings => ({
    licences: parseLicences(variables.INTAKE_LICENSES), topicPrefix: variables.TOPIC_PREFIX,
    boardChanges: {
      retentionMs: variables.INTAKE_BOARD_CHANGES_RETENTION_HOURS * 3_600_000,
      pruneIntervalMs: variables.INTAKE_BOARD_CHANGES_PRUNE_INTERVAL_MS,
    },
  }),
});
