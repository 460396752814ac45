import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_LENGTH } from '@orders/delivery-domain';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { EXTERNAL_ID } from '../create-order/create-order.request.dto';

/** `GET …/orders?number=&route_id=&page=&per_page=`. */
export class ListOrdersQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(MAX_LENGTH.number)
  number?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(EXTERNAL_ID)
  route_id?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ default: 1000, minimum: 1, maximum: 1000, description: 'Track & Trace pages hold 1000 orders' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  per_page?: number;
}
