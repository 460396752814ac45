import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { findBrokenText } from '../validation/text-check';
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

/**
 * The kit's pipe refuses text PostgreSQL and Kafka cannot hold (NUL, lone surrogates) in every body, path and query,
 * before class-transformer and class-validator run, and whatever type the handler declares: a body typed `unknown`
 * (batches, notifications) skips class-validator but not this. A body answers 422 naming the field; a path or
 * query value 400, as a malformed URL does.
 */
export class ServiceValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const root = metadata.type === 'param' ? metadata.data ?? '' : '';
      const broken = findBrokenText(value, root);
      if (broken) {
        const where = metadata.type === 'body' ? 'the body' : metadata.type === 'query' ? 'the query' : 'the path';
        const what = broken.inKey ? `the field name ${broken.field}` : broken.field === 'body' ? 'it' : broken.field;
        const message = `${what} in ${where} holds a ${broken.problem}`;
        const item: ErrorItem = { code: metadata.type === 'body' ? 'INVALID_VALUE' : 'BAD_REQUEST', message, field: broken.field };
        if (metadata.type === 'body') throw new RequestValidationError([item]);
        throw new BadRequestException({ errors: [item] });
      }
    }
    return super.transform(value, metadata);
  }
}

/** The global pipe: unknown fields are errors, not silently dropped; payloads become DTO instances. */
export function createValidationPipe(): ValidationPipe {
  return new ServiceValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new RequestValidationError(fieldErrors(errors)),
  });
}
