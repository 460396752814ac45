import { BadRequestException } from '@nestjs/common';
import { describeAjvErrors, marketOpenApi, type MarketParameter } from '@orders/contracts';
import type { ErrorItem } from '@orders/service-kit';

/** A query as Market's description types it: numbers, booleans and arrays as such, every value checked. */
export type MarketQuery = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

type Schema = { type?: string; format?: string; items?: Schema; $ref?: string };

/** The JSON type a query string becomes, from the parameter's schema (`$ref`s are Market's string enums). */
function coerce(raw: string, schema: Schema): string | number | boolean {
  if (schema.type === 'integer' || schema.type === 'number') return /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw;
  if (schema.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  // Market's date parameters say `format: date` (2026-03-01) and describe ДД-ММ-ГГГГ (01-03-2026): both are taken.
  if (schema.format === 'date') {
    const marketDate = /^(\d{2})-(\d{2})-(\d{4})$/.exec(raw);
    if (marketDate) return `${marketDate[3]}-${marketDate[2]}-${marketDate[1]}`;
  }
  return raw;
}

function valueOf(raws: readonly string[], parameter: MarketParameter): string | number | boolean | (string | number)[] {
  const schema = parameter.validate.schema as Schema;
  if (schema.type !== 'array') return coerce(raws[raws.length - 1], schema);
  // Arrays come repeated (`status=A&status=B`, OpenAPI's form style) or comma-separated (`orderIds=1,2`).
  return raws
    .flatMap((raw) => raw.split(','))
    .map((item) => coerce(item.trim(), schema.items ?? {}) as string | number);
}

/**
 * Reads a query by the parameters Market's description declares for `operationId` (their aliases too:
 * `page_token`): an unknown parameter is 400 UNKNOWN_PARAMETER, a value its schema refuses 400 with the parameter
 * named. What comes back is typed as the schema says.
 */
export function marketQuery(operationId: string, query: Readonly<Record<string, unknown>>): MarketQuery {
  const parameters = marketOpenApi()
    .operation(operationId)
    .parameters.filter((p) => p.in === 'query');
  const byName = new Map(parameters.flatMap((p) => [p.name, ...p.aliases].map((name) => [name, p] as const)));
  const problems: ErrorItem[] = [];
  const typed: Record<string, string | number | boolean | (string | number)[]> = {};
  for (const [name, raw] of Object.entries(query)) {
    const parameter = byName.get(name);
    if (!parameter) {
      problems.push({ code: 'UNKNOWN_PARAMETER', field: name, message: `unknown query parameter ${name}` });
      continue;
    }
    const raws = (Array.isArray(raw) ? raw : [raw]).map(String);
    const value = valueOf(raws, parameter);
    if (!parameter.validate(value)) {
      const why = describeAjvErrors(parameter.validate.errors)
        .map((line) => line.replace(/^\(body\) /, ''))
        .join('; ');
      problems.push({ code: 'INVALID_PARAMETER', field: parameter.name, message: `${parameter.name} ${why}` });
      continue;
    }
    typed[parameter.name] = value;
  }
  if (problems.length > 0) throw new BadRequestException({ errors: problems });
  return typed;
}
