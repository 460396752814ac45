import type { Server } from 'node:http';
import request from 'supertest';
import { ERROR_ENVELOPE_SCHEMA, operationsOf } from '../http/openapi-document';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One thing a route's documentation lacks, named so that a failing test says where to look. */
export interface OpenApiGap {
  readonly where: string;
  readonly gap: string;
}

const COMPOSED = ['$ref', 'allOf', 'oneOf', 'anyOf', 'enum', 'const'];

/** A schema that says nothing about its value: no type, or `object` with nothing inside (how names and ids showed). */
function schemaGaps(schema: unknown, where: string, gaps: OpenApiGap[]): void {
  if (!isObject(schema)) return;
  if (COMPOSED.some((key) => key in schema)) {
    for (const key of ['allOf', 'oneOf', 'anyOf'])
      if (Array.isArray(schema[key]))
        (schema[key] as unknown[]).forEach((part, i) =>
          // An `allOf` part that only adds properties takes its type from the parts beside it (Market's extensions);
          // an empty one (Market's `{}`) constrains nothing.
          (key === 'allOf' && isObject(part) && Object.keys(part).length === 0) || schemaGaps(
            key === 'allOf' && isObject(part) && part.type === undefined && isObject(part.properties)
              ? { type: 'object', ...part }
              : part,
            `${where}.${key}[${i}]`,
            gaps,
          ),
        );
    return;
  }
  if (schema.type === undefined) {
    gaps.push({ where, gap: 'schema has no type' });
    return;
  }
  if (schema.type === 'object') {
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    if (!properties && schema.additionalProperties === undefined)
      gaps.push({ where, gap: 'object without properties' });
    for (const [name, property] of Object.entries(properties ?? {})) schemaGaps(property, `${where}.${name}`, gaps);
    if (isObject(schema.additionalProperties)) schemaGaps(schema.additionalProperties, `${where}.*`, gaps);
  }
  if (schema.type === 'array') {
    if (!isObject(schema.items)) gaps.push({ where, gap: 'array without items' });
    else schemaGaps(schema.items, `${where}[]`, gaps);
  }
}

/** An example for a body: on the media, on its schema (after `$ref`), or on a property or the items inside. */
const hasExample = (media: Json, components: Json): boolean => exampleIn(media.schema, components, 0) ||
  media.example !== undefined || media.examples !== undefined;

function exampleIn(raw: unknown, components: Json, depth: number): boolean {
  if (!isObject(raw) || depth > 4) return false;
  const ref = typeof raw.$ref === 'string' ? raw.$ref.split('/').pop() : undefined;
  const schema = ref ? (isObject(components[ref]) ? (components[ref] as Json) : {}) : raw;
  if (schema.example !== undefined) return true;
  const parts = ['allOf', 'oneOf', 'anyOf'].flatMap((key) => (Array.isArray(schema[key]) ? schema[key] : []));
  if (parts.some((part) => exampleIn(part, components, depth + 1))) return true;
  if (schema.type === 'array') return exampleIn(schema.items, components, depth + 1);
  return Object.values(isObject(schema.properties) ? schema.properties : {}).some(
    (p) => isObject(p) && (p.example !== undefined || exampleIn(p, components, depth + 1)),
  );
}

/** The component schema names a `$ref` (or the `oneOf`/`anyOf` of refs) of an answer's JSON body points at. */
const refsOf = (schema: unknown): string[] => {
  if (!isObject(schema)) return [];
  if (typeof schema.$ref === 'string') return [schema.$ref.split('/').pop() as string];
  return ['oneOf', 'anyOf', 'allOf'].flatMap((key) => (Array.isArray(schema[key]) ? schema[key].flatMap(refsOf) : []));
};

export interface OpenApiGapOptions {
  /**
   * The error body schemas a route may answer with, by path template: the envelope everywhere, unless the route
   * mirrors a vendor's API (an error dialect) and answers in the vendor's body.
   */
  readonly errorSchemas?: (path: string) => readonly string[];
}

/**
 * What a client generated from the document would miss: per operation a summary, an operationId, a success answer
 * with its schema, the error answers, security (or an explicit `security: []`), an example for a request body; per
 * schema, a type for every value.
 */
export function openApiGaps(document: Json, options: OpenApiGapOptions = {}): OpenApiGap[] {
  const errorSchemas = options.errorSchemas ?? (() => [ERROR_ENVELOPE_SCHEMA]);
  const gaps: OpenApiGap[] = [];
  const components =
    isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  for (const [name, schema] of Object.entries(components)) schemaGaps(schema, `#/components/schemas/${name}`, gaps);
  const documentSecured = Array.isArray(document.security) && document.security.length > 0;
  for (const { method, path, operation } of operationsOf(document)) {
    const where = `${method.toUpperCase()} ${path}`;
    const note = (gap: string) => gaps.push({ where, gap });
    if (typeof operation.summary !== 'string' || operation.summary.trim() === '') note('no summary');
    if (typeof operation.operationId !== 'string') note('no operationId');
    const responses = isObject(operation.responses) ? operation.responses : {};
    const success = Object.entries(responses).filter(([status]) => /^[23]\d\d$/.test(status));
    if (success.length === 0) note('no success answer');
    for (const [status, answer] of success) {
      if (status === '204' || /^3/.test(status)) continue;
      const content = isObject(answer) && isObject(answer.content) ? answer.content : {};
      if (Object.keys(content).length === 0) note(`${status} answer has no content schema`);
      for (const [type, media] of Object.entries(content)) {
        if (type === 'text/event-stream' || type === 'text/plain') continue;
        if (!isObject(media) || !isObject(media.schema)) note(`${status} ${type} has no schema`);
        else {
          schemaGaps(media.schema, `${where} ${status}`, gaps);
          if (!hasExample(media, components)) note(`${status} ${type} has no example`);
        }
      }
    }
    if (!Object.keys(responses).some((status) => /^[45]\d\d$/.test(status))) note('no error answers');
    const errors = Object.entries(responses).filter(([status]) => /^4\d\d$/.test(status));
    for (const [status, answer] of errors) {
      const content = isObject(answer) && isObject(answer.content) ? answer.content : {};
      const json = isObject(content['application/json']) ? (content['application/json'] as Json) : {};
      const named = refsOf(json.schema);
      const allowed = errorSchemas(path);
      if (named.length === 0 || named.some((name) => !allowed.includes(name)))
        note(`${status} answer is not ${allowed.join(' or ')} (${named.join(', ') || 'no schema'})`);
    }
    const parameters = Array.isArray(operation.parameters) ? (operation.parameters as unknown[]) : [];
    for (const parameter of parameters) {
      const name = isObject(parameter) ? `${String(parameter.in)} ${String(parameter.name)}` : '?';
      const schema = isObject(parameter) ? parameter.schema : undefined;
      if (!isObject(schema)) note(`parameter ${name} has no schema`);
      else schemaGaps(schema, `${where} parameter ${name}`, gaps);
    }
    if (!Array.isArray(operation.security) && !documentSecured) note('no security');
    const body =
      isObject(operation.requestBody) && isObject(operation.requestBody.content)
        ? operation.requestBody.content
        : undefined;
    for (const [type, media] of Object.entries(body ?? {})) {
      if (!isObject(media) || !isObject(media.schema)) note(`request ${type} has no schema`);
      else {
        schemaGaps(media.schema, `${where} request`, gaps);
        if (!hasExample(media, components)) note(`request ${type} has no example`);
      }
    }
  }
  return gaps;
}

/** Concrete path for a template: each `{name}` from `values`, else a placeholder that is a valid id nowhere. */
const concrete = (path: string, values: Readonly<Record<string, string>>): string =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? '1'));

/**
 * The document's security is the guard's: a route it says is secured answers 401 without credentials, and a route
 * it says is public does not. Returns the routes where the two disagree.
 */
export async function securityMismatches(
  server: Server,
  document: Json,
  pathValues: Readonly<Record<string, string>> = {},
  skip: (method: string, path: string) => boolean = () => false,
): Promise<OpenApiGap[]> {
  const mismatches: OpenApiGap[] = [];
  for (const { method, path, operation } of operationsOf(document)) {
    if (skip(method, path)) continue;
    const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
    const call = request(server)
      [method as 'get'](concrete(path, pathValues))
      .ok(() => true)
      .timeout(5_000);
    // A public event stream never ends: no answer within the timeout is "not refused".
    const status = await (method === 'get' || method === 'head' || method === 'delete' ? call : call.send({})).then(
      (response) => response.status,
      () => 0,
    );
    if (isPublic && status === 401)
      mismatches.push({ where: `${method.toUpperCase()} ${path}`, gap: 'documented public, answers 401' });
    if (!isPublic && status !== 401)
      mismatches.push({
        where: `${method.toUpperCase()} ${path}`,
        gap: `documented secured, answers ${status} without credentials`,
      });
  }
  return mismatches;
}

/** The document a running service serves. */
export async function servedDocument(server: Server): Promise<Json> {
  return (await request(server).get('/docs-json').expect(200)).body as Json;
}
