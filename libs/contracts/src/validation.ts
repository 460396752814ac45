import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { AnyMessageDefinition } from './message-definition';
import type { JsonSchema } from './schema-kit';

/** One reason a message was refused, naming the field the way the HTTP error envelope does. */
export interface FieldError {
  /** Dotted path into the payload (`items[0].quantity`), or the header name; empty for the whole value. */
  readonly field: string;
  /** Stable code, the same vocabulary as the HTTP 422 per-field codes (api-conventions.md). */
  readonly code: string;
  readonly message: string;
}

/** A payload a producer tried to send does not match its contract: a bug in the producer, never retried. */
export class ContractViolation extends Error {
  constructor(readonly messageType: string, readonly errors: readonly FieldError[]) {
    super(`${messageType} does not match its contract: ${describeFieldErrors(errors)}`);
    this.name = 'ContractViolation';
  }
}

export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((error) => `${error.field || '(value)'}: ${error.code} (${error.message})`).join('; ');
}

// One compiler for the process: compiling is the slow part, so each schema is compiled once and cached.
let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function compilerInstance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date-time']);
  }
  return ajv;
}

export function validatorOf(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = compilerInstance().compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Field errors of a value against a schema; empty when it is valid. */
export function validateAgainst(schema: JsonSchema, value: unknown): FieldError[] {
  const validate = validatorOf(schema);
  return validate(value) ? [] : toFieldErrors(validate.errors ?? []);
}

export function validatePayload(definition: AnyMessageDefinition, payload: unknown): FieldError[] {
  return validateAgainst(definition.schema, payload);
}

/** Throws `ContractViolation` unless the payload matches the definition's schema (use it before publishing). */
export function assertValidPayload(definition: AnyMessageDefinition, payload: unknown): void {
  const errors = validatePayload(definition, payload);
  if (errors.length > 0) throw new ContractViolation(`${definition.name} v${definition.version}`, errors);
}

const CODE_BY_KEYWORD: Readonly<Record<string, string>> = {
  required: 'REQUIRED_FIELD',
  additionalProperties: 'UNKNOWN_FIELD',
  maxLength: 'FIELD_TOO_LONG',
  minLength: 'FIELD_TOO_SHORT',
  maxItems: 'TOO_MANY_ITEMS',
  minItems: 'TOO_FEW_ITEMS',
  minimum: 'OUT_OF_RANGE',
  maximum: 'OUT_OF_RANGE',
  exclusiveMinimum: 'OUT_OF_RANGE',
  exclusiveMaximum: 'OUT_OF_RANGE',
  enum: 'INVALID_ENUM',
  const: 'INVALID_ENUM',
  type: 'INVALID_TYPE',
  format: 'INVALID_FORMAT',
  pattern: 'INVALID_FORMAT',
};

function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    const fieldError = toFieldError(error);
    const key = `${fieldError.field}|${fieldError.code}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(fieldError);
    }
  }
  return result;
}

function toFieldError(error: ErrorObject): FieldError {
  const segments = pointerSegments(error.instancePath);
  if (error.keyword === 'required') segments.push(String(error.params['missingProperty']));
  if (error.keyword === 'additionalProperties') segments.push(String(error.params['additionalProperty']));
  const code = CODE_BY_KEYWORD[error.keyword] ?? 'INVALID_VALUE';
  const allowed = error.keyword === 'enum' ? `: ${(error.params['allowedValues'] as unknown[]).join(', ')}` : '';
  return { field: fieldPath(segments), code, message: `${error.message ?? error.keyword}${allowed}` };
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['items', '0', 'quantity']` → `items[0].quantity`. */
export function fieldPath(segments: readonly string[]): string {
  return segments.reduce((path, segment) => {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) return `${path}[${segment}]`;
    return path === '' ? segment : `${path}.${segment}`;
  }, '');
}
