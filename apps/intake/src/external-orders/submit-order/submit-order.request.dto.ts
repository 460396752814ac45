import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsLatitude, IsLongitude, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max,
  MaxLength, Min, ValidateNested,
} from 'class-validator';
import { MAX_ORDER_ITEMS } from '@orders/contracts';
import { IsDateTime, IsPhone, OptionalNotNull, PHONE_FORMS } from '@orders/service-kit';
import { SERVICE_TYPES, type ServiceType } from '@orders/ordering-domain';
import { OrderItemDto } from '../order-item.dto';

class CustomerDto {
  @ApiProperty({ description: 'Customer name (personal data: sealed, never in events)', maxLength: 1023 })
  @IsString() @IsNotEmpty() @MaxLength(1023)
  name!: string;

  @ApiProperty({
    description: `Phone (personal data): ${PHONE_FORMS}; spaces, dashes, dots and parentheses are ignored. Stored and `
      + 'answered in E.164.',
    example: '87776665544', maxLength: 40,
  })
  @IsString() @IsPhone()
  phone!: string;
}

class LocationDto {
  @ApiProperty() @IsLatitude()
  lat!: number;

  @ApiProperty() @IsLongitude()
  lon!: number;
}

/**
 * An external order as a web site, an aggregator or a marketplace submits it: the HTTP body, and (with the tenant)
 * the Kafka message `ExternalOrderSubmitted` v1. Both channels validate with this class.
 */
export class SubmitOrderRequestDto {
  @ApiProperty({ description: 'Channel the order came from (slug): site, app, aggregator, market, ...', maxLength: 64, example: 'site' })
  @IsString() @IsNotEmpty() @MaxLength(64) @Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: 'source must be a lower-case slug' })
  source!: string;

  @ApiProperty({ description: 'Order id in the source system; unique per company and source', maxLength: 128, example: 'A1' })
  @IsString() @IsNotEmpty() @MaxLength(128)
  externalId!: string;

  @ApiProperty({ description: 'When the source system placed the order (RFC 3339)', example: '2026-11-23T10:00:00Z' })
  @IsDateTime()
  submittedAt!: string;

  // ValidateNested passes a missing object: IsDefined and IsObject make `customer` required and not an array.
  @ApiProperty({ type: CustomerDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CustomerDto)
  customer!: CustomerDto;

  @ApiProperty({ description: 'Delivery address, or the pickup point (personal data)', maxLength: 1023 })
  @IsString() @IsNotEmpty() @MaxLength(1023)
  address!: string;

  @ApiPropertyOptional({ type: LocationDto, description: 'Geocoded address (personal data)' })
  @OptionalNotNull() @IsObject() @ValidateNested() @Type(() => LocationDto)
  location?: LocationDto;

  @ApiPropertyOptional({ description: 'Customer comment (personal data)', maxLength: 1023 })
  @OptionalNotNull() @IsString() @MaxLength(1023)
  comment?: string;

  @ApiPropertyOptional({
    description:
      '«Принят на время»: requested delivery or pickup time, RFC 3339; answered with the offset it was given '
      + 'with. Null or absent for as soon as possible',
    type: 'string', format: 'date-time', nullable: true, example: '2020-01-13T12:30:00+06:00',
  })
  @IsOptional() @IsDateTime()
  requestedTime?: string | null;

  @ApiProperty({ enum: SERVICE_TYPES })
  @IsIn(SERVICE_TYPES)
  serviceType!: ServiceType;

  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: MAX_ORDER_ITEMS })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDER_ITEMS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @ApiProperty({ description: 'Order total in minor units', minimum: 0 })
  @IsInt() @Min(0) @Max(1_000_000_000_000)
  amountMinor!: number;

  @ApiProperty({ description: 'ISO 4217', example: 'RUB' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as RUB' })
  currency!: string;
}
