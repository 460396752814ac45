import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsNumber, IsPositive, IsString, Max, MaxLength, Min } from 'class-validator';
import { OptionalNotNull } from '@orders/service-kit';

/** One order line, as the intake contract defines it (libs/contracts intake/order-items). */
export class OrderItemDto {
  @ApiPropertyOptional({ description: 'Menu item code, when the source knows it', maxLength: 128 })
  @OptionalNotNull() @IsString() @IsNotEmpty() @MaxLength(128)
  sku?: string;

  @ApiProperty({ description: 'Dish or product name as on the menu', maxLength: 256 })
  @IsString() @IsNotEmpty() @MaxLength(256)
  name!: string;

  @ApiProperty({ description: 'Quantity, > 0; fractional for goods sold by weight', minimum: 0, exclusiveMinimum: true, maximum: 10000 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() @Max(10000)
  quantity!: number;

  @ApiProperty({ description: 'Unit price in minor units (kopecks, cents)', minimum: 0 })
  @IsInt() @Min(0) @Max(1_000_000_000_000)
  priceMinor!: number;
}
