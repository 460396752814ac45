import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { MAX_MARK_DELIVERED_RADIUS_M } from '@orders/delivery-domain';
import { IsCalendarDate, OptionalNotNull } from '@orders/service-kit';
import { AsStoredId, idSchema } from '../deliveries/reference-ids';
import { IsBoolean, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

const TIME_ZONE = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;

/**
 * Company settings of Track & Trace (S-YC, D-YC-VISIT); absent fields keep their current value (or default). None
 * is nullable: OptionalNotNull refuses a null, which IsOptional let through to a NOT NULL column (500).
 */
export class CompanySettingsDto {
  @ApiPropertyOptional({ default: false, example: true })
  @OptionalNotNull()
  @IsBoolean()
  mark_delivered_enabled?: boolean;

  @ApiPropertyOptional({ default: 500, minimum: 0, maximum: MAX_MARK_DELIVERED_RADIUS_M })
  @OptionalNotNull()
  @IsNumber()
  @Min(0)
  @Max(MAX_MARK_DELIVERED_RADIUS_M)
  mark_delivered_radius?: number;

  /** [P] 0..1, 0 = on entry (domain.md §2.6); the range is not documented by Track & Trace. */
  @ApiPropertyOptional({ default: 0.5, minimum: 0, maximum: 1 })
  @OptionalNotNull()
  @IsNumber()
  @Min(0)
  @Max(1)
  mark_delivered_service_time_coefficient?: number;

  @ApiPropertyOptional({ default: false })
  @OptionalNotNull()
  @IsBoolean()
  partially_finished_status_enabled?: boolean;

  @ApiPropertyOptional({ default: 'Europe/Moscow' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(64)
  @Matches(TIME_ZONE, { context: { code: 'INVALID_TIME_ZONE' } })
  time_zone?: string;
}

export class DepotDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @MaxLength(80)
  name?: string;

  @ApiPropertyOptional({
    type: 'string', nullable: true, example: 'Asia/Almaty', description: 'Falls back to the company time zone',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(64)
  @Matches(TIME_ZONE, { context: { code: 'INVALID_TIME_ZONE' } })
  time_zone?: string | null;

  @ApiPropertyOptional({
    type: 'number', nullable: true, minimum: 0, maximum: MAX_MARK_DELIVERED_RADIUS_M, example: 300,
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @Min(0)
  @Max(MAX_MARK_DELIVERED_RADIUS_M)
  mark_delivered_radius?: number | null;
}

export class RouteDto {
  @ApiProperty({ ...idSchema, example: 7, description: 'The courier who drives the route (the push path names it)' })
  @AsStoredId()
  @IsString()
  @MaxLength(80)
  @Matches(/^[\w.:-]+$/)
  courier_id!: string;

  @ApiPropertyOptional({ ...idSchema, nullable: true, example: 12 })
  @AsStoredId()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(80)
  @Matches(/^[\w.:-]+$/)
  depot_id?: string | null;

  @ApiProperty({ example: '2026-03-02' })
  @IsCalendarDate({ context: { code: 'INVALID_DATE' } })
  date!: string;
}
