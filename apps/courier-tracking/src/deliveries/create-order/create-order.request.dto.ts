import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CALLER_PAYMENT_TYPES,
  DELIVERY_STATUSES,
  ETA_TYPES,
  MAX_LENGTH,
  MAX_MARK_DELIVERED_RADIUS_M,
  MAX_SERVICE_DURATION_S,
  PAYMENT_STATUSES,
  PAYMENT_TYPES,
  SERVICE_TYPES,
} from '@orders/delivery-domain';
import { OptionalNotNull } from '@orders/service-kit';
import { AsStoredId, AsStoredIds, idSchema } from '../reference-ids';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

// The Track & Trace order body (D-YC-CREATE, S-YC). Limits come from the domain's validation table, which the
// decider checks again for orders that arrive by Kafka. `yandex_pay` is in the enum but refused from callers.
// A batch item is checked as this body too; a PATCH body is its partial (update-order.request.dto.ts).

const nullable = ValidateIf((_object, value) => value !== null);
/** Route, depot and company ids as callers name them (the list query's `route_id` too). */
export const EXTERNAL_ID = /^[\w.:-]{1,80}$/;

export class CreateOrderDto {
  @ApiProperty({ maxLength: MAX_LENGTH.number, example: 'N-1024' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_LENGTH.number)
  number!: string;

  @ApiProperty({ maxLength: MAX_LENGTH.address, example: 'Tverskaya street 7, apt 12' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_LENGTH.address)
  address!: string;

  @ApiProperty({ type: 'number', minimum: -90, maximum: 90, example: 55.757 })
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ type: 'number', minimum: -180, maximum: 180, example: 37.615 })
  @IsNumber()
  @Min(-180)
  @Max(180)
  lon!: number;

  @ApiProperty({
    example: '11:00-12:00',
    description: '"T-T" with T = [D.]HH[:MM[:SS]], or an ISO 8601 interval with offsets',
  })
  @IsString({ context: { code: 'INVALID_TIME_INTERVAL' } })
  @IsNotEmpty()
  @MaxLength(MAX_LENGTH.time_interval)
  time_interval!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_LENGTH.customer_name })
  @IsOptional()
  @nullable
  @IsString()
  @MaxLength(MAX_LENGTH.customer_name)
  customer_name?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_LENGTH.phone })
  @IsOptional()
  @nullable
  @IsString()
  @MaxLength(MAX_LENGTH.phone)
  phone?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_LENGTH.comments })
  @IsOptional()
  @nullable
  @IsString()
  @MaxLength(MAX_LENGTH.comments)
  comments?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_LENGTH.customer_number })
  @IsOptional()
  @nullable
  @IsString()
  @MaxLength(MAX_LENGTH.customer_number)
  customer_number?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_LENGTH.description })
  @IsOptional()
  @nullable
  @IsString()
  @MaxLength(MAX_LENGTH.description)
  description?: string | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @IsOptional()
  @nullable
  @IsNumber()
  @Min(-90)
  @Max(90)
  refined_lat?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @IsOptional()
  @nullable
  @IsNumber()
  @Min(-180)
  @Max(180)
  refined_lon?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0, description: 'rubles' })
  @IsOptional()
  @nullable
  @IsNumber()
  @Min(0)
  amount?: number | null;

  @ApiPropertyOptional({ enum: CALLER_PAYMENT_TYPES, nullable: true })
  @IsOptional()
  @nullable
  @IsIn(PAYMENT_TYPES)
  payment_type?: string | null;

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES, nullable: true })
  @IsOptional()
  @nullable
  @IsIn(PAYMENT_STATUSES)
  payment_status?: string | null;

  @ApiPropertyOptional({ enum: SERVICE_TYPES, default: 'courier', description: 'iiko: courier delivery or pickup' })
  @OptionalNotNull()
  @IsIn(SERVICE_TYPES)
  service_type?: string;

  @ApiPropertyOptional({ default: 600 })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_SERVICE_DURATION_S)
  service_duration_s?: number;

  @ApiPropertyOptional({ default: 0 })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_SERVICE_DURATION_S)
  shared_service_duration_s?: number;

  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0, maximum: MAX_MARK_DELIVERED_RADIUS_M })
  @IsOptional()
  @nullable
  @IsNumber()
  @Min(0)
  @Max(MAX_MARK_DELIVERED_RADIUS_M)
  mark_delivered_radius?: number | null;

  @ApiPropertyOptional({ enum: ETA_TYPES, nullable: true })
  @IsOptional()
  @nullable
  @IsIn(ETA_TYPES)
  eta_type?: string | null;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @OptionalNotNull()
  @IsIn(DELIVERY_STATUSES)
  status?: string;

  @ApiPropertyOptional({ ...idSchema, nullable: true, example: 105, description: 'The route (its id in this company)' })
  @AsStoredId()
  @IsOptional()
  @nullable
  @IsString()
  @Matches(EXTERNAL_ID)
  route_id?: string | null;

  @ApiPropertyOptional({ ...idSchema, nullable: true, example: 12, description: "The depot (else the route's)" })
  @AsStoredId()
  @IsOptional()
  @nullable
  @IsString()
  @Matches(EXTERNAL_ID)
  depot_id?: string | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0 })
  @IsOptional()
  @nullable
  @IsNumber()
  @Min(0)
  volume?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, minimum: 0 })
  @IsOptional()
  @nullable
  @IsNumber()
  @Min(0)
  weight?: number | null;

  @ApiPropertyOptional({
    type: 'array',
    items: idSchema,
    maxItems: 100,
    example: [106],
    description: 'Companies that may see the order',
  })
  @AsStoredIds()
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EXTERNAL_ID, { each: true })
  shared_with_company_ids?: string[];

  /** D-YC-CREATE: given with `shared_with_company_ids`, the numbers are used. Our companies' numbers are their ids. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: EXTERNAL_ID.source },
    maxItems: 100,
    example: ['106'],
    description: 'Companies that may see the order, by number; wins over shared_with_company_ids',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EXTERNAL_ID, { each: true })
  shared_with_company_numbers?: string[];
}
