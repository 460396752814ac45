import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ORDER_STATUSES } from '@orders/ordering-domain';

/**
 * One vocabulary for the filter and the orders' `status` field: the filter is a status, or ALL. Derived from the
 * domain's statuses, so the two (and the OpenAPI enum) cannot drift apart.
 */
export const STATUS_FILTERS = ['ALL', ...ORDER_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

// Other spellings accepted for a filter, compared case-insensitively with spaces, hyphens and underscores alike:
// the seed's list filters (Все, Ожидает, Создан, Принят, В пути, Архив, Удален; seed 003) and `on_the_way`, the
// name this API documented before the filter took the field's vocabulary.
const ALIASES: Readonly<Record<string, StatusFilter>> = {
  все: 'ALL', ожидает: 'AWAITING', создан: 'CREATED', принят: 'ACCEPTED', в_пути: 'ON_WAY', архив: 'ARCHIVED',
  удален: 'DELETED',
  on_the_way: 'ON_WAY',
};

const spelling = (text: string): string => text.trim().toLowerCase().replace(/[\s_-]+/g, '_').replace(/ё/g, 'е');

/** The filter a query value names, or undefined when it names none. */
export function statusFilterOf(value: unknown): StatusFilter | undefined {
  if (typeof value !== 'string') return undefined;
  const key = spelling(value);
  return STATUS_FILTERS.find((filter) => filter.toLowerCase() === key) ?? ALIASES[key];
}

export const MAX_PAGE_SIZE = 100;

export class BoardQueryDto {
  @ApiPropertyOptional({
    enum: STATUS_FILTERS, default: 'ALL',
    description:
      'ALL or one of the values of an order\'s `status`. Case-insensitive; the seed\'s filter names (Все, Ожидает, '
      + 'Создан, Принят, В пути, Архив, Удален) and `on_the_way` are accepted too.',
  })
  @IsOptional() @Transform(({ value }) => statusFilterOf(value) ?? value)
  @IsIn(STATUS_FILTERS, {
    message: `status must be one of ${STATUS_FILTERS.join(', ')} (any case), or a seed filter name`,
  })
  status?: StatusFilter;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
