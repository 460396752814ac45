import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';

type Schema = Record<string, unknown>;

/** The success answer of a route: its status, what it holds (a class, `[Class]` for a list, or a schema). */
export interface DocumentedAnswer {
  readonly status?: number;
  readonly description?: string;
  readonly type?: Type<unknown> | [Type<unknown>];
  readonly schema?: Schema;
  readonly example?: unknown;
  readonly headers?: Record<string, { description: string; schema: Schema }>;
}

export interface DocumentedRoute extends DocumentedAnswer {
  readonly summary: string;
  readonly description?: string;
  /** More success answers (a 200 beside a 201 for a repeated request, say). */
  readonly also?: readonly DocumentedAnswer[];
  /**
   * Errors the route answers beyond the kit's usual ones (status → when), in the error envelope or the route's
   * vendor dialect (completeDocument gives them the body; 400/401/403/404/422/503 are added there already).
   */
  readonly errors?: Readonly<Record<number, string>>;
}

const answer = (options: DocumentedAnswer, fallbackDescription: string) => {
  const status = options.status ?? 200;
  const description = options.description ?? fallbackDescription;
  const headers = options.headers ? { headers: options.headers } : {};
  const example = options.example === undefined ? {} : { example: options.example };
  if (options.schema) return ApiResponse({ status, description, schema: options.schema, ...headers, ...example });
  if (Array.isArray(options.type)) {
    return ApiResponse({ status, description, type: options.type[0], isArray: true, ...headers, ...example });
  }
  return ApiResponse({ status, description, type: options.type, ...headers, ...example });
};

/**
 * One decorator for what every route's documentation needs: a summary, its success answer with schema and example,
 * and the errors it answers beyond the kit's. The generated operationId and the security come from the kit.
 */
export function Documented(options: DocumentedRoute): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: options.summary, ...(options.description ? { description: options.description } : {}) }),
    answer(options, options.summary),
    ...(options.also ?? []).map((more) => answer(more, options.summary)),
    ...Object.entries(options.errors ?? {}).map(([status, description]) =>
      ApiResponse({ status: Number(status), description }),
    ),
  );
}

/**
 * A JSON Schema (the contracts' 2020-12 style) as OpenAPI 3.0 writes it: `type: [t, 'null']` becomes `type: t,
 * nullable: true` (and a `null` in an enum stays, which 3.0 allows with nullable), recursively.
 */
export function openApi30Schema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApi30Schema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      out.type = types.length === 1 ? types[0] : types;
      if (value.includes('null')) out.nullable = true;
    } else if (key === 'const') out.enum = [value];
    else out[key] = openApi30Schema(value);
  }
  return out;
}
