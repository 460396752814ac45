import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { OptionalNotNull } from '@orders/service-kit';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsNumber, IsObject, IsOptional, IsString, Matches, Max, Min,
  ValidateNested,
} from 'class-validator';

/** As courier.positions.v1 allows per message (@orders/contracts MAX_POSITIONS_PER_BATCH). */
export const MAX_POSITIONS_PER_BATCH = 1000;

class PointDto {
  @ApiProperty({ type: 'number', minimum: -90, maximum: 90, example: 55.757 }) @IsNumber() @Min(-90) @Max(90)
  lat!: number;

  @ApiProperty({ minimum: -180, maximum: 180 }) @IsNumber() @Min(-180) @Max(180)
  lon!: number;
}

/** One position of push-positions-v3 (D-YC-POS). */
class PositionDto {
  // Track & Trace types accuracy as a number (devices send 5.5); the HTTP push does not publish it further.
  @ApiProperty({ type: 'number', description: 'metres', example: 5.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0)
  accuracy!: number;

  // ValidateNested passes a missing object: IsDefined and IsObject make `point` required and not an array.
  @ApiProperty({ type: PointDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => PointDto)
  point!: PointDto;

  @ApiProperty({ type: 'number', description: 'UTC seconds', example: 1772434800 })
  @IsNumber() @Min(0) @Max(253402300799)
  timestamp!: number;

  @ApiPropertyOptional({ description: 'not used yet, as in Track & Trace' }) @OptionalNotNull() @IsNumber() @Min(0) @Max(360)
  heading?: number;

  @ApiPropertyOptional({ description: 'not used yet, as in Track & Trace' }) @OptionalNotNull() @IsNumber() @Min(0)
  speed?: number;
}

export class PushPositionsDto {
  @ApiProperty({ type: [PositionDto], maxItems: MAX_POSITIONS_PER_BATCH }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_POSITIONS_PER_BATCH)
  @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => PositionDto)
  positions!: PositionDto[];
}

/** The push's query: which of the key's companies the route is of, when several hold the same route and courier. */
export class PushPositionsQuery {
  /** The key as Track & Trace devices send it (D-YC-POS): read by the guard (`@KeyInQuery`), shown as security. */
  @ApiHideProperty()
  @IsOptional() @IsString()
  apikey?: string;

  @ApiPropertyOptional({ description: 'Needed only when several companies of the key have this route and courier id' })
  @IsOptional() @IsString() @Matches(/^[\w.-]{1,128}$/)
  company_id?: string;
}
