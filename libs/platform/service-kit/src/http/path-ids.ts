import { BadRequestException, Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { NotFound } from '../errors/not-found';
import { textProblem } from '../validation/text-check';

/**
 * What a resource's ids look like, for the one rule of path ids (`PathId`): a value outside the format can name no
 * resource, so it is answered as a missing one.
 */
export interface IdFormat {
  /** True when the value can be an id of this format (its canonical form or another spelling of it). */
  test(value: string): boolean;
  /** The id the value names, as the service stores it (a UUID in lower case); the value itself by default. */
  normalise?(value: string): string;
  /** How the OpenAPI document shows the parameter. */
  readonly schema: SchemaObject;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[\w.-]{1,128}$/;
const EXTERNAL = /^[\w.:-]{1,80}$/;
const DECIMAL = /^\d{1,16}$/;

const isPositiveInteger = (value: string): boolean =>
  DECIMAL.test(value) && Number(value) >= 1 && Number(value) <= Number.MAX_SAFE_INTEGER;

/** The id formats of the platform; a service names one per path parameter. */
export const ID_FORMATS = {
  /** Ids we make: UUIDs, any letter case, stored in lower case. */
  uuid: {
    test: (value) => UUID.test(value),
    normalise: (value) => value.toLowerCase(),
    schema: { type: 'string', format: 'uuid' },
  },
  /** Companies and campaigns (the tenants of API_KEYS). */
  tenant: { test: (value) => TENANT.test(value), schema: { type: 'string', pattern: TENANT.source, maxLength: 128 } },
  /** Ids a caller chooses for its own things (routes, depots, couriers). */
  external: {
    test: (value) => EXTERNAL.test(value),
    schema: { type: 'string', pattern: EXTERNAL.source, maxLength: 80 },
  },
  /** A partner's integer id (Market's int64 ids, as far as a JSON number is exact), stored without leading zeros. */
  positiveInteger: {
    test: isPositiveInteger,
    normalise: (value) => String(Number(value)),
    schema: { type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
  /** The contracts' opaque identifiers (1 to 128 characters, never parsed). */
  opaque: { test: (value) => value.length >= 1 && value.length <= 128, schema: { type: 'string', maxLength: 128 } },
} satisfies Record<string, IdFormat>;

/** Either of two formats (a Track & Trace integer id or our UUID), the first that takes the value normalising it. */
export function eitherFormat(first: IdFormat, second: IdFormat): IdFormat {
  const of = (value: string): IdFormat | undefined =>
    first.test(value) ? first : second.test(value) ? second : undefined;
  return {
    test: (value) => of(value) !== undefined,
    normalise: (value) => of(value)?.normalise?.(value) ?? value,
    schema: { oneOf: [first.schema, second.schema] },
  };
}

/**
 * The one rule of path ids, in every service (issue 14): text no id can hold because it cannot be stored or sent on
 * (a NUL, a lone surrogate) is a malformed request, 400 `BAD_REQUEST`; a well-formed string outside the resource's
 * format names nothing, 404 `NOT_FOUND` with `{resource, id}`, word for word what a missing one answers (the
 * `NotFound` message; `NotFoundAs` answers missing ones with it), so the format is not an oracle either.
 */
export class PathIdPipe implements PipeTransform<unknown, string> {
  constructor(
    private readonly param: string,
    private readonly resource: string,
    private readonly format: IdFormat,
  ) {}

  transform(value: unknown): string {
    const text = typeof value === 'string' ? value : String(value);
    const problem = textProblem(text);
    if (problem) {
      throw new BadRequestException({
        errors: [{ code: 'BAD_REQUEST', field: this.param, message: `${this.param} in the path holds a ${problem}` }],
      });
    }
    if (!this.format.test(text)) throw new NotFound(this.resource, text);
    return this.format.normalise?.(text) ?? text;
  }
}

/**
 * A path parameter that is a resource's id: `@PathId('order_id', 'delivery', ID_FORMATS.uuid) id: string`. The value
 * reaches the handler normalised, or the request is answered by the rule above; the OpenAPI document shows the format
 * and the 404.
 */
export function PathId(param: string, resource: string, format: IdFormat): ParameterDecorator {
  const bound = Param(param, new PathIdPipe(param, resource, format));
  const documented = ApiParam({
    name: param,
    required: true,
    schema: format.schema,
    description: `The ${resource}'s id; one that cannot be a ${resource} id answers 404 NOT_FOUND as a missing one does`,
  });
  return (target, key, index) => {
    bound(target, key, index);
    const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) documented(target, key as string | symbol, descriptor);
  };
}
