import { BadRequestException, ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationError,
  validateSync,
} from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { DomainError } from '@orders/decider-kit';
import { ConcurrencyError, IdempotencyKeyReused } from '@orders/event-store';
import { RequestValidationError, describeError, domainErrorStatus } from './error-envelope';
import { JsonTooDeep } from '../http/json-depth';
import { NotFound } from './not-found';
import { fieldErrors } from './validation-pipe';

class DomainLikeError extends DomainError {
  constructor(code: string, message: string, field?: string) {
    super(code, message, field === undefined ? {} : { field });
  }
}

class Item {
  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;
}

class Decision {
  @IsIn(['ACCEPT', 'REJECT'])
  decision!: string;

  @IsString()
  @MaxLength(5)
  reason!: string;

  @IsString({ context: { code: 'INVALID_TIME_INTERVAL' } })
  window!: string;

  @ValidateNested({ each: true })
  @Type(() => Item)
  items!: Item[];
}

const validate = (plain: object): ValidationError[] =>
  validateSync(plainToInstance(Decision, plain), { whitelist: true, forbidNonWhitelisted: true });

describe('error envelope mapping', () => {
  it('gives each broken field its own code and a dotted path', () => {
    const errors = fieldErrors(
      validate({ decision: 'MAYBE', reason: 'far too long', window: 5, items: [{ quantity: 100 }], extra: 1 }),
    );
    expect(errors.map(({ code, field }) => ({ code, field }))).toEqual([
      { code: 'UNKNOWN_FIELD', field: 'extra' },
      { code: 'INVALID_ENUM', field: 'decision' },
      { code: 'FIELD_TOO_LONG', field: 'reason' },
      { code: 'INVALID_TIME_INTERVAL', field: 'window' },
      { code: 'OUT_OF_RANGE', field: 'items.0.quantity' },
    ]);
  });

  it('reports missing values as REQUIRED_FIELD whatever the constraint', () => {
    const errors = fieldErrors(validate({ decision: 'ACCEPT', window: 'x', items: [] }));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'REQUIRED_FIELD', field: 'reason' }),
      expect.objectContaining({ code: 'REQUIRED_FIELD', field: 'reason' }),
    ]);
  });

  it('answers validation failures with 422 VALIDATION_FAILED first, then the fields', () => {
    const described = describeError(
      new RequestValidationError([{ code: 'REQUIRED_FIELD', message: 'reason is required', field: 'reason' }]),
    );
    expect(described.httpStatus).toBe(422);
    expect(described.errors.map((e) => e.code)).toEqual(['VALIDATION_FAILED', 'REQUIRED_FIELD']);
  });

  it('maps domain errors by code: 404 NOT_FOUND with the resource, 422 field rules, 409 the rest', () => {
    expect(describeError(new DomainLikeError('ORDER_NOT_FOUND', 'no such order'))).toEqual({
      httpStatus: 404,
      errors: [{ code: 'NOT_FOUND', message: 'no such order', details: { resource: 'order' } }],
      unexpected: false,
    });
    expect(
      describeError(new DomainError('ORDER_NOT_FOUND', 'no order o-1', { details: { orderId: 'o-1' } })).errors,
    ).toEqual([{ code: 'NOT_FOUND', message: 'no order o-1', details: { resource: 'order', id: 'o-1' } }]);
    expect(describeError(new DomainLikeError('REASON_REQUIRED', 'reason is required', 'reason')).errors).toEqual([
      { code: 'REASON_REQUIRED', message: 'reason is required', field: 'reason' },
    ]);
    expect(domainErrorStatus({ code: 'REASON_REQUIRED' })).toBe(422);
    expect(domainErrorStatus({ code: 'CONCURRENCY_CONFLICT' })).toBe(409);
    expect(domainErrorStatus({ code: 'DELIVERY_NOT_PAID' })).toBe(409);
    expect(domainErrorStatus({ code: 'INVALID_STATE_TRANSITION' })).toBe(409);
    expect(domainErrorStatus({ code: 'INVALID_TIME_INTERVAL' })).toBe(422);
    expect(domainErrorStatus({ code: 'ANYTHING', httpStatus: 404 })).toBe(404);
    expect(domainErrorStatus({ code: 'LICENSE_REQUIRED' })).toBe(403);
    expect(domainErrorStatus({ code: 'ANYTHING', httpStatus: 403 })).toBe(403);
    expect(domainErrorStatus({ code: 'ANYTHING', httpStatus: 500 })).toBe(409);
  });

  it('recognises domain errors by class, never an error that merely has an upper-case code', () => {
    const nodeError = Object.assign(new TypeError('Invalid character in header content ["ETag"]'), {
      code: 'ERR_INVALID_CHAR',
    });
    expect(describeError(nodeError)).toEqual({
      httpStatus: 500,
      errors: [{ code: 'INTERNAL_ERROR', message: 'internal error' }],
      unexpected: true,
    });
    expect(describeError(Object.assign(new Error('looks like one'), { code: 'ORDER_NOT_FOUND' })).httpStatus).toBe(500);
    expect(describeError(new ConcurrencyError('order-1', 2, 3)).errors[0]).toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
    });
    expect(describeError(new IdempotencyKeyReused('key-1', 'order-1')).httpStatus).toBe(409);
  });

  it("recognises the kernel's DomainError", () => {
    const error = new DomainError('CANCELLATION_DEADLINE_PASSED', 'the decision window has closed', {
      field: 'accepted',
    });
    expect(describeError(error)).toEqual({
      httpStatus: 409,
      errors: [{ code: 'CANCELLATION_DEADLINE_PASSED', message: 'the decision window has closed', field: 'accepted' }],
      unexpected: false,
    });
  });

  it('keeps HTTP exceptions, with the code their status implies unless they name one', () => {
    expect(describeError(new NotFoundException('Cannot GET /x')).errors).toEqual([
      { code: 'NOT_FOUND', message: 'Cannot GET /x' },
    ]);
    expect(describeError(new NotFoundException({ code: 'ROUTE_NOT_FOUND', message: 'no route r-1' })).errors).toEqual([
      { code: 'NOT_FOUND', message: 'no route r-1', details: { resource: 'route' } },
    ]);
    expect(describeError(new NotFound('delivery', 'd-1'))).toEqual({
      httpStatus: 404,
      errors: [{ code: 'NOT_FOUND', message: 'no delivery d-1', details: { resource: 'delivery', id: 'd-1' } }],
      unexpected: false,
    });
    expect(
      describeError(new ConflictException({ code: 'IDEMPOTENCY_KEY_REUSED', message: 'other body' })),
    ).toMatchObject({
      httpStatus: 409,
      errors: [{ code: 'IDEMPOTENCY_KEY_REUSED', message: 'other body' }],
    });
    expect(describeError(new BadRequestException(['a is bad', 'b is bad'])).errors).toHaveLength(2);
    expect(describeError(new ServiceUnavailableException()).unexpected).toBe(false);
  });

  it('maps body parser failures to 400 and 413', () => {
    expect(
      describeError(Object.assign(new SyntaxError('bad'), { type: 'entity.parse.failed', status: 400 })).httpStatus,
    ).toBe(400);
    expect(describeError(new JsonTooDeep(32))).toMatchObject({
      httpStatus: 400,
      errors: [{ code: 'BAD_REQUEST' }],
      unexpected: false,
    });
    expect(
      describeError(Object.assign(new Error('big'), { type: 'entity.too.large', status: 413 })).errors[0].code,
    ).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 503 when a dependency is down and hides the cause of anything unexpected', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
    expect(describeError(refused).httpStatus).toBe(503);
    const kafkaDown = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError', retriable: true });
    expect(describeError(kafkaDown).httpStatus).toBe(503);
    const bug = describeError(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(bug).toEqual({
      httpStatus: 500,
      errors: [{ code: 'INTERNAL_ERROR', message: 'internal error' }],
      unexpected: true,
    });
  });
});
