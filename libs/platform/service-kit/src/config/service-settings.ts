import type { InjectionToken } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';

/** The raw environment, as the config module hands it to the readers: nothing else in apps or libs sees it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * A service's own settings, beyond the kit's: declared by the service, validated by the same mechanism as the kit's
 * variables (class-validator on a class whose fields are the variable names), so one start-up error names every bad
 * variable of the kit and of the service together. The typed result is injectable under `token`.
 */
export interface SettingsDeclaration<V extends object = object, T = unknown> {
  readonly token: InjectionToken;
  /** A class whose fields are the variable names, decorated with class-validator (and @Type for numbers). */
  readonly variables: new () => V;
  /** Every variable and its default (taken when the variable is absent); a variable missing here is not read. */
  readonly defaults: { readonly [K in keyof V]: string };
  /** Variables whose values never appear in an error message. */
  readonly secret?: readonly string[];
  /** The typed settings from the validated variables. Only called when every variable is valid. */
  build(variables: V): T;
}

/** Identity, for inference: `declareSettings({ token, variables, defaults, build })`. */
export function declareSettings<V extends object, T>(declaration: SettingsDeclaration<V, T>): SettingsDeclaration<V, T> {
  return declaration;
}

/** Reads, converts and validates `fields` of `env`; returns the instance and one line per bad variable. */
export function validateVariables<V extends object>(options: {
  readonly variables: new () => V;
  readonly defaults: Readonly<Record<string, string>>;
  /** Field name → variable name, where they differ (the kit's DATABASE_URL). */
  readonly names?: Readonly<Record<string, string>>;
  readonly secret?: readonly string[];
  readonly env: Environment;
}): { readonly value: V; readonly problems: string[] } {
  const name = (field: string): string => options.names?.[field] ?? field;
  // Only an absent variable takes the default: an empty one is a value (INTAKE_LICENSES= licenses nobody).
  const raw = Object.fromEntries(Object.keys(options.defaults).map((field) => [field, options.env[name(field)] ?? options.defaults[field]]));
  const value = plainToInstance(options.variables, raw);
  const errors = validateSync(value, { forbidUnknownValues: true });
  const problems = errors.map((error: ValidationError) => {
    const field = error.property;
    // Keys and passwords never appear in the message.
    const shown = options.secret?.includes(field) ? '(value hidden)' : JSON.stringify(raw[field]);
    return `${name(field)}=${shown}: ${Object.values(error.constraints ?? {}).join('; ')}`;
  });
  return { value, problems };
}

/** Validates one declaration; `value` is set only when every variable is valid. */
export function readSettings<V extends object, T>(declaration: SettingsDeclaration<V, T>, env: Environment): { value?: T; problems: string[] } {
  const { value, problems } = validateVariables({
    variables: declaration.variables, defaults: declaration.defaults, secret: declaration.secret, env,
  });
  return problems.length > 0 ? { problems } : { value: declaration.build(value), problems };
}
