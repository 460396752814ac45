import { IsIn, IsIP, IsUrl, Max, Min, IsInt } from 'class-validator';
import { Type } from 'class-transformer';
import { LOG_LEVELS, declareSettings, readSettings, type Environment, type LogLevel } from '@orders/service-kit';

/** The services the console speaks to, by their HTTP APIs only (never their databases). */
export const UPSTREAMS = ['intake', 'courier', 'marketplace', 'projector'] as const;
export type Upstream = (typeof UPSTREAMS)[number];

export interface ConsoleSettings {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Base URL of each service. */
  readonly upstreams: Readonly<Record<Upstream, string>>;
  /** Cookies marked Secure: behind TLS in production; a developer's http://127.0.0.1 would lose them. */
  readonly secureCookies: boolean;
  /** How long a signed-in operator stays signed in without a request. */
  readonly sessionIdleMs: number;
}

const url = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

class ConsoleVariables {
  @Type(() => Number) @IsInt() @Min(0) @Max(65535)
  PORT!: number;

  @IsIP()
  HOST!: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL!: LogLevel;

  @IsIn(['development', 'test', 'production'])
  NODE_ENV!: string;

  @IsUrl(url) INTAKE_URL!: string;
  @IsUrl(url) COURIER_URL!: string;
  @IsUrl(url) MARKETPLACE_URL!: string;
  @IsUrl(url) PROJECTOR_URL!: string;

  @Type(() => Number) @IsInt() @Min(60_000)
  CONSOLE_SESSION_IDLE_MS!: number;
}

export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');

/** Defaults are `npm start`'s ports (apps/<service>/service.json). */
export const consoleSettings = declareSettings({
  token: CONSOLE_SETTINGS,
  variables: ConsoleVariables,
  defaults: {
    PORT: '3005', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production',
    INTAKE_URL: 'http://127.0.0.1:3001', COURIER_URL: 'http://127.0.0.1:3002',
    MARKETPLACE_URL: 'http://127.0.0.1:3003', PROJECTOR_URL: 'http://127.0.0.1:3004',
    CONSOLE_SESSION_IDLE_MS: String(12 * 3600_000),
  },
  build: (v): ConsoleSettings => ({
    port: v.PORT, host: v.HOST, logLevel: v.LOG_LEVEL,
    upstreams: {
      intake: v.INTAKE_URL.replace(/\/$/, ''), courier: v.COURIER_URL.replace(/\/$/, ''),
      marketplace: v.MARKETPLACE_URL.replace(/\/$/, ''), projector: v.PROJECTOR_URL.replace(/\/$/, ''),
    },
    secureCookies: v.NODE_ENV === 'production',
    sessionIdleMs: v.CONSOLE_SESSION_IDLE_MS,
  }),
});

export class ConsoleConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`console: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** The only reader of the environment in the console; one error names every bad variable. */
export function readConsoleSettings(env: Environment = process.env): ConsoleSettings {
  const { value, problems } = readSettings(consoleSettings, env);
  if (!value) throw new ConsoleConfigError(problems);
  return value;
}
