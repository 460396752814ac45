import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { OrderStatus } from '@orders/ordering-domain';

/** The seed's status filters (Все, Ожидает, Создан, Принят, В пути, Архив, Удален), plus cancelled by the marketplace. */
export const STATUS_FILTERS = ['all', 'awaiting', 'created', 'accepted', 'on_the_way', 'archived', 'deleted', 'cancelled'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const FILTER_STATUS: Record<Exclude<StatusFilter, 'all'>, OrderStatus> = {
  awaiting: 'AWAITING', created: 'CREATED', accepted: 'ACCEPTED', on_the_way: 'ON_WAY', archived: 'ARCHIVED', deleted: 'DELETED', cancelled: 'CANCELLED',
};

export const MAX_PAGE_SIZE = 100;

export class BoardQueryDto {
  @ApiPropertyOptional({ enum: STATUS_FILTERS, default: 'all' })
  @IsOptional() @IsIn(STATUS_FILTERS)
  status?: StatusFilter;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
