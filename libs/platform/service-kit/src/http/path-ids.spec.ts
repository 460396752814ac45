import { BadRequestException } from '@nestjs/common';
import { NotFound } from '../errors/not-found';
import { ID_FORMATS, PathIdPipe, eitherFormat } from './path-ids';

const rejection = (pipe: PathIdPipe, value: string): unknown => {
  try {
    pipe.transform(value);
  } catch (error) {
    return error;
  }
  throw new Error(`${value} was taken`);
};

describe('PathIdPipe: the one rule of path ids', () => {
  const orders = new PathIdPipe('order_id', 'order', ID_FORMATS.uuid);

  it('hands the handler the id in its stored form', () => {
    expect(orders.transform('0190A0A0-0000-7000-8000-00000000ABCD')).toBe('0190a0a0-0000-7000-8000-00000000abcd');
  });

  it('answers a value outside the format as a missing resource, with the NotFound message', () => {
    const error = rejection(orders, 'not-a-uuid');
    expect(error).toBeInstanceOf(NotFound);
    expect((error as NotFound).getResponse()).toEqual(new NotFound('order', 'not-a-uuid').getResponse());
  });

  it('answers text no id can hold with 400 BAD_REQUEST naming the parameter', () => {
    for (const broken of ['a\u0000b', 'a\uD800']) {
      const error = rejection(orders, broken);
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).getResponse()).toEqual({
        errors: [
          { code: 'BAD_REQUEST', field: 'order_id', message: expect.stringMatching(/^order_id in the path holds a /) },
        ],
      });
    }
  });

  it('knows the platform formats', () => {
    expect(['company-a', 'acme.eu', '105'].every(ID_FORMATS.tenant.test)).toBe(true);
    expect(['a b', 'a:b', 'x'.repeat(129), ''].some(ID_FORMATS.tenant.test)).toBe(false);
    expect(['r-1', 'route:7', 'x'.repeat(80)].every(ID_FORMATS.external.test)).toBe(true);
    expect(['r 1', 'x'.repeat(81), 'r/1'].some(ID_FORMATS.external.test)).toBe(false);
    expect(['1', '0990000777', String(Number.MAX_SAFE_INTEGER)].every(ID_FORMATS.positiveInteger.test)).toBe(true);
    expect(['0', '-1', '1.5', '1e3', '9007199254740992'].some(ID_FORMATS.positiveInteger.test)).toBe(false);
    expect(ID_FORMATS.positiveInteger.normalise('0990000777')).toBe('990000777');
    expect(ID_FORMATS.opaque.test('x'.repeat(128)) && !ID_FORMATS.opaque.test('x'.repeat(129))).toBe(true);
  });

  it('takes either of two formats, each normalising its own', () => {
    const either = new PathIdPipe('order_id', 'order', eitherFormat(ID_FORMATS.positiveInteger, ID_FORMATS.uuid));
    expect(either.transform('007')).toBe('7');
    expect(either.transform('0190A0A0-0000-7000-8000-00000000ABCD')).toBe('0190a0a0-0000-7000-8000-00000000abcd');
    expect(rejection(either, 'seven')).toBeInstanceOf(NotFound);
  });
});
