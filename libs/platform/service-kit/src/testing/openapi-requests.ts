import fc from 'fast-check';
import {
  HostileValue,
  RawJson,
  deepArray,
  deepObject,
  encodeHostile,
  hostileText,
  hostileValue,
  oddDates,
  toJsonText,
} from './hostile-values';

type Schema = Record<string, unknown>;
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: Schema;
  readonly required?: boolean;
}

/** One operation of an OpenAPI document, with a plausible (valid-looking) request to start mutating from. */
export interface RouteTemplate {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A concrete request the fuzzer sends; `mutation` says what was made hostile, for the failure report. */
export interface HostileRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body?: string;
  readonly mutation: string;
}

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function resolve(document: Schema, schema: Schema | undefined): Schema {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema ?? {};
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), document);
  return isObject(target) ? target : {};
}

/** A value the schema describes, from its example, enum or bounds; depth-bounded against recursive schemas. */
function sample(document: Schema, raw: Schema | undefined, depth = 0): unknown {
  const schema = resolve(document, raw);
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.allOf) && isObject(schema.allOf[0])) return sample(document, schema.allOf[0], depth);
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (depth > 6) return null;
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, sample(document, value as Schema, depth + 1)]),
      );
    }
    case 'array':
      return [sample(document, schema.items as Schema, depth + 1)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number'
        ? Math.max(schema.minimum, schema.exclusiveMinimum ? schema.minimum + 1 : schema.minimum)
        : 1;
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'date-time'
        ? '2026-03-02T11:20:00Z'
        : schema.format === 'uuid'
          ? '00000000-0000-4000-8000-000000000000'
          : 'x';
    default:
      return {};
  }
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document, except those `skip` names (paths that restart or rebuild things, say). */
export function routeTemplates(
  document: Schema,
  skip: (method: string, path: string) => boolean = () => false,
): RouteTemplate[] {
  const paths = isObject(document.paths) ? document.paths : {};
  return Object.entries(paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = isObject(item) ? item[method] : undefined;
      if (!isObject(operation) || skip(method, path)) return [];
      const parameters = (Array.isArray(operation.parameters) ? operation.parameters : []) as Parameter[];
      const query = Object.fromEntries(
        parameters.filter((p) => p.in === 'query').map((p) => [p.name, String(sample(document, p.schema))]),
      );
      const content =
        isObject(operation.requestBody) && isObject(operation.requestBody.content)
          ? operation.requestBody.content
          : undefined;
      const json = content && isObject(content['application/json']) ? content['application/json'] : undefined;
      const body = json ? sample(document, json.schema as Schema) : undefined;
      return [
        {
          method,
          path,
          pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
          query,
          ...(body === undefined ? {} : { body }),
        },
      ];
    }),
  );
}

/** Every path (list of keys) into a sample body, objects and arrays included, so a mutation can reach any field. */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, index) => fieldPaths(item, [...prefix, index]))];
  if (isObject(value))
    return [prefix, ...Object.entries(value).flatMap(([key, item]) => fieldPaths(item, [...prefix, key]))];
  return [prefix];
}

const REMOVE = Symbol('remove');

function replaced(body: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value === REMOVE ? undefined : value;
  const [head, ...rest] = path;
  if (Array.isArray(body)) {
    const copy = [...body];
    if (rest.length === 0 && value === REMOVE) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaced(copy[Number(head)], rest, value);
    return copy;
  }
  const copy = { ...(body as Schema) };
  if (rest.length === 0 && value === REMOVE) delete copy[head];
  else copy[head] = replaced(copy[head], rest, value);
  return copy;
}

type BodyChange =
  | { kind: 'value'; value: HostileValue }
  | { kind: 'remove' }
  | { kind: 'null' }
  | { kind: 'extra'; value: HostileValue };

const bodyChange: fc.Arbitrary<BodyChange> = fc.oneof(
  { weight: 4, arbitrary: hostileValue.map((value) => ({ kind: 'value' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'remove' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'null' as const }) },
  { weight: 1, arbitrary: hostileValue.map((value) => ({ kind: 'extra' as const, value })) },
);

type Target =
  | { where: 'body'; field: number; change: BodyChange }
  | { where: 'wholeBody'; value: HostileValue }
  | { where: 'path'; param: number; text: string }
  | { where: 'query'; name: string | undefined; text: string; repeat: boolean }
  | { where: 'header'; name: string; values: string[] }
  | { where: 'contentType'; value: string };

// Weights: most requests break one body field; routes without a body spread theirs over the URL and headers.
const bodyTargets: fc.WeightedArbitrary<Target>[] = [
  { weight: 8, arbitrary: fc.record({ where: fc.constant('body' as const), field: fc.nat(), change: bodyChange }) },
  {
    weight: 1,
    arbitrary: fc.record({
      where: fc.constant('wholeBody' as const),
      value: fc.oneof(
        hostileValue,
        fc.constantFrom(
          deepArray(100_000),
          deepObject(10_000),
          new RawJson('{"a":'),
          new RawJson('{"__proto__":{"x":1}}'),
        ),
      ),
    }),
  },
];

const otherTargets: fc.WeightedArbitrary<Target>[] = [
  { weight: 3, arbitrary: fc.record({ where: fc.constant('path' as const), param: fc.nat(), text: hostileText }) },
  {
    weight: 3,
    arbitrary: fc.record({
      where: fc.constant('query' as const),
      name: fc.option(fc.constantFrom('a[b][c]', 'page', 'x'), { nil: undefined }),
      text: hostileText,
      repeat: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      where: fc.constant('header' as const),
      // Content-Type is sent once (the client refuses a list); odd media types are in `contentType`.
      name: fc.constantFrom('If-Match', 'Idempotency-Key', 'X-Request-Id', 'X-Correlation-Id', 'Accept', 'Api-Key'),
      values: fc.array(
        fc.oneof(
          fc.constantFrom('"1"', '1', '*', 'W/"2"', 'application/json', 'text/plain'),
          fc.string({ maxLength: 20 }),
        ),
        { minLength: 2, maxLength: 3 },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      where: fc.constant('contentType' as const),
      value: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/json; charset=koi8-r',
        'multipart/form-data; boundary=x',
        'application/*',
        '',
      ),
    }),
  },
];

// Header values must be latin-1 without CR/LF, or the client refuses to send them; the server must see the rest.
const headerSafe = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');

/** Hostile variants of one route's request: one part (a body field, the body, a path or query value, a header) made hostile. */
export function hostileRequests(
  route: RouteTemplate,
  pathValues: Readonly<Record<string, string>>,
  validBody?: () => unknown,
): fc.Arbitrary<HostileRequest> {
  const paths = fieldPaths(validBody?.() ?? route.body);
  const target = fc.oneof(...(sendsBody(route) ? [...bodyTargets, ...otherTargets] : otherTargets));
  return target.map((t) => requestFor(route, pathValues, validBody, paths, t));
}

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

/**
 * The checks no sample should leave to chance: every body field left out and sent as null (missing nested objects,
 * nulls for NOT NULL settings), and every date-like field sent each odd date.
 */
export function fieldChecks(
  route: RouteTemplate,
  pathValues: Readonly<Record<string, string>>,
  validBody?: () => unknown,
): HostileRequest[] {
  if (!sendsBody(route)) return [];
  const sample = validBody?.() ?? route.body;
  const paths = fieldPaths(sample);
  return paths.flatMap((path, field) => {
    if (path.length === 0) return [];
    const value = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], sample);
    const dates: BodyChange[] =
      typeof value === 'string' && DATE_LIKE.test(value)
        ? oddDates.map((date) => ({ kind: 'value', value: date }))
        : [];
    const changes: BodyChange[] = [{ kind: 'remove' }, { kind: 'null' }, ...dates];
    return changes.map((change) => requestFor(route, pathValues, validBody, paths, { where: 'body', field, change }));
  });
}

const sendsBody = (route: RouteTemplate): boolean => route.method !== 'get' && route.method !== 'delete';

function requestFor(
  route: RouteTemplate,
  pathValues: Readonly<Record<string, string>>,
  validBody: (() => unknown) | undefined,
  paths: (string | number)[][],
  t: Target,
): HostileRequest {
  const params: Record<string, string> = Object.fromEntries(
    route.pathParams.map((name) => [name, encodeURIComponent(pathValues[name] ?? 'x')]),
  );
  const query: [string, string][] = Object.entries(route.query).map(([name, value]) => [
    encodeURIComponent(name),
    encodeURIComponent(value),
  ]);
  const headers: Record<string, string | string[]> = {};
  // A fresh valid body per request (a new external id, say), so a mutation is judged alone, not as a duplicate.
  let body = validBody?.() ?? route.body;
  let mutation: string;
  switch (t.where) {
    case 'body': {
      const path = paths[t.field % paths.length];
      const change = t.change;
      const label = path.join('.') || '(body)';
      if (change.kind === 'extra') body = replaced(body, [...path, 'unexpected'], change.value);
      else
        body = replaced(body, path, change.kind === 'remove' ? REMOVE : change.kind === 'null' ? null : change.value);
      mutation = `body ${label}: ${change.kind}${'value' in change ? ` ${describe(change.value)}` : ''}`;
      break;
    }
    case 'wholeBody':
      body = t.value;
      mutation = `whole body: ${describe(t.value)}`;
      break;
    case 'path': {
      const name = route.pathParams[t.param % Math.max(1, route.pathParams.length)];
      if (name) params[name] = encodeHostile(t.text);
      mutation = `path ${name ?? '(none)'}: ${describe(t.text)}`;
      break;
    }
    case 'query': {
      const names = Object.keys(route.query);
      const name = t.name ?? names[t.text.length % Math.max(1, names.length)] ?? 'x';
      query.push([encodeURIComponent(name), encodeHostile(t.text)]);
      if (t.repeat) query.push([encodeURIComponent(name), encodeHostile(t.text)]);
      mutation = `query ${name}${t.repeat ? ' (repeated)' : ''}: ${describe(t.text)}`;
      break;
    }
    case 'header':
      headers[t.name] = t.values.map(headerSafe);
      mutation = `header ${t.name} repeated: ${JSON.stringify(headers[t.name])}`;
      break;
    case 'contentType':
      headers['Content-Type'] = t.value;
      mutation = `Content-Type ${JSON.stringify(t.value)}`;
      break;
  }
  const path = route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => params[name] ?? 'x');
  const search = query.length > 0 ? `?${query.map(([name, value]) => `${name}=${value}`).join('&')}` : '';
  return {
    method: route.method,
    url: path + search,
    headers,
    mutation,
    ...(sendsBody(route) ? { body: toJsonText(body ?? {}) } : {}),
  };
}

function describe(value: unknown): string {
  const text =
    value instanceof RawJson
      ? `raw ${value.text}`
      : typeof value === 'string'
        ? JSON.stringify(value)
        : toJsonText(value);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} chars)` : text;
}
