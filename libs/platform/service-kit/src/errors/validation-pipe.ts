import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorItem, RequestValidationError } from './error-envelope';

// class-validator constraint names -> the per-field codes of api-conventions.md.
const codeByConstraint: Record<string, string> = {
  isDefined: 'REQUIRED_FIELD', isNotEmpty: 'REQUIRED_FIELD', arrayNotEmpty: 'REQUIRED_FIELD',
  maxLength: 'FIELD_TOO_LONG', arrayMaxSize: 'FIELD_TOO_LONG',
  min: 'OUT_OF_RANGE', max: 'OUT_OF_RANGE', minLength: 'OUT_OF_RANGE', arrayMinSize: 'OUT_OF_RANGE',
  isPositive: 'OUT_OF_RANGE', isNegative: 'OUT_OF_RANGE', minDate: 'OUT_OF_RANGE', maxDate: 'OUT_OF_RANGE',
  isIn: 'INVALID_ENUM', isEnum: 'INVALID_ENUM',
  whitelistValidation: 'UNKNOWN_FIELD',
};

/**
 * One item per broken constraint, with the dotted path of the field. A DTO names a sharper code with
 * `context: { code: 'INVALID_TIME_INTERVAL' }` on its decorator.
 */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): ErrorItem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const missing = error.value === undefined || error.value === null;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
      const contextCode = error.contexts?.[constraint]?.code;
      const code = typeof contextCode === 'string' ? contextCode
        : constraint !== 'whitelistValidation' && missing ? 'REQUIRED_FIELD'
        : codeByConstraint[constraint] ?? 'INVALID_VALUE';
      return { code, message, field };
    });
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** The global pipe: unknown fields are errors, not silently dropped; payloads become DTO instances. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new RequestValidationError(fieldErrors(errors)),
  });
}
