import { BadRequestException } from '@nestjs/common';
import { RequestValidationError, type ErrorItem } from '@orders/service-kit';
import type { Page } from '../read-model/cancellation-queries';

const MAX_PAGE_SIZE = 50;

/** Unknown parameters are a 400 UNKNOWN_PARAMETER (api-conventions.md), bad values a 422. */
export function rejectUnknownParameters(query: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new BadRequestException({
      errors: unknown.map((name) => ({
        code: 'UNKNOWN_PARAMETER',
        message: `unknown query parameter ${name}`,
        field: name,
      })),
    });
  }
}

function integerParameter(
  query: Record<string, unknown>,
  name: string,
  fallback: number,
  max: number,
  problems: ErrorItem[],
): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) {
    problems.push({ code: 'OUT_OF_RANGE', field: name, message: `${name} must be an integer from 1 to ${max}` });
    return fallback;
  }
  return value;
}

export function pageParameters(query: Record<string, unknown>, problems: ErrorItem[]): Page {
  return {
    page: integerParameter(query, 'page', 1, 10_000, problems),
    pageSize: integerParameter(query, 'pageSize', MAX_PAGE_SIZE, MAX_PAGE_SIZE, problems),
  };
}

export function throwIfProblems(problems: readonly ErrorItem[]): void {
  if (problems.length > 0) throw new RequestValidationError(problems);
}
