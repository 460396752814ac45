/**
 * What every operation of every service has in common, added to the generated OpenAPI document once here rather
 * than by decorators on each route: the security the guard applies, and the error answers the kit's filter gives.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Set by `@Public()` on a route the guard lets through; removed from the published document. */
export const PUBLIC_EXTENSION = 'x-public';

export const ERROR_ENVELOPE_SCHEMA = 'ErrorEnvelope';

/** The app's extra component schemas (ServiceKitOptions.openApiSchemas). */
export const OPENAPI_SCHEMAS = Symbol('OPENAPI_SCHEMAS');

const errorEnvelope: Json = {
  type: 'object',
  description: 'The one error body of every service (api-conventions.md).',
  required: ['status', 'errors'],
  properties: {
    status: { type: 'string', enum: ['ERROR'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', example: 'VALIDATION_FAILED' },
          message: { type: 'string', example: 'quantity must not be less than 1' },
          field: { type: 'string', example: 'items[0].quantity' },
          details: { type: 'object', additionalProperties: true, example: { resource: 'order', id: '42' } },
        },
      },
    },
    request_id: { type: 'string', example: '0b6f2c1e-3a4d-4f7e-9c1a-2d3e4f5a6b7c' },
  },
};

/** How a family of routes words its errors in the document: a vendor's body instead of the envelope. */
export interface DocumentedErrorDialect {
  /** The routes, by path (a template's `{name}` stands where an id would: `[^/]+` matches it). */
  readonly paths: RegExp;
  /** The component name of the dialect's error body, and its schema. */
  readonly schemaName: string;
  readonly schema: Json;
  /** The statuses the dialect answers with (Market's few): the kit's usual error answers outside them are left out. */
  readonly statuses?: readonly number[];
}

const errorContent = (schemaName: string): Json => ({
  'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } },
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Every operation of the document with its method and path. */
export function operationsOf(document: Json): Array<{ method: string; path: string; operation: Json }> {
  const found: Array<{ method: string; path: string; operation: Json }> = [];
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS)
      if (isObject(item[method])) found.push({ method, path, operation: item[method] as Json });
  }
  return found;
}

/**
 * Completes the generated document in place: public routes get `security: []` (the document-level requirement
 * covers the rest), and each operation lists the errors the kit answers for it unless it documents them itself.
 */
export function completeDocument(
  document: Json,
  dialects: readonly DocumentedErrorDialect[] = [],
  extraSchemas: Readonly<Record<string, Json>> = {},
): Json {
  const components = (document.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Json;
  for (const [name, schema] of Object.entries(extraSchemas)) schemas[name] ??= schema;
  schemas[ERROR_ENVELOPE_SCHEMA] ??= errorEnvelope;
  for (const dialect of dialects) schemas[dialect.schemaName] ??= dialect.schema;
  for (const { method, path, operation } of operationsOf(document)) {
    const dialect = dialects.find((d) => d.paths.test(path));
    const errorSchema = dialect?.schemaName ?? ERROR_ENVELOPE_SCHEMA;
    const isPublic = operation[PUBLIC_EXTENSION] === true;
    delete operation[PUBLIC_EXTENSION];
    if (isPublic) operation.security = [];
    const responses = (operation.responses ??= {}) as Json;
    const parameters = Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : [];
    const add = (status: string, description: string) => {
      if (dialect?.statuses && !dialect.statuses.includes(Number(status))) return;
      responses[status] ??= { description, content: errorContent(errorSchema) };
    };
    // Error answers a route names itself (`@ApiConflictResponse({ description })`) get the body the filter gives.
    for (const [status, answer] of Object.entries(responses))
      if (/^[45]\d\d$/.test(status) && isObject(answer) && answer.content === undefined)
        answer.content = errorContent(errorSchema);
    if (operation.requestBody !== undefined || parameters.some((p) => p.in === 'query' || p.in === 'header')) {
      add('400', 'Malformed request: JSON, content type, unknown query parameter, bad header or path characters');
    }
    if (operation.requestBody !== undefined || parameters.length > 0)
      add('422', 'A field or parameter value is invalid');
    if (parameters.some((p) => p.in === 'path')) add('404', 'Unknown resource, or one of another company');
    // Every write reaches the command path, whose broken preconditions (a domain code, a stale version) are 409.
    if (!isPublic && method !== 'get' && method !== 'head')
      add('409', 'A rule of the resource refuses the change (the code says which), or its version moved on');
    if (!isPublic) {
      add('401', 'No or unknown credentials');
      add('403', 'Credentials valid, but not for this company or without the needed scope');
    }
    add('503', 'A dependency (database, broker) is down: safe to retry');
  }
  return document;
}
