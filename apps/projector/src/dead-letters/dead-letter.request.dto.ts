import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

/** One letter: its dead-letter topic, partition and offset (as `dlq list` prints them). */
export class DeadLetterRequestDto {
  @ApiProperty({ example: 'intake.external-orders.v1.dlq' })
  @IsString() @Matches(/^[\w.-]{1,249}\.dlq$/, { message: 'topic must be a dead-letter topic (….dlq)' })
  topic!: string;

  @ApiProperty({ minimum: 0 })
  @IsInt() @Min(0)
  partition!: number;

  @ApiProperty({ example: '0', description: 'the offset, as a decimal string' })
  @IsString() @Matches(/^\d{1,19}$/, { message: 'offset must be a decimal offset' })
  offset!: string;

  @ApiPropertyOptional({ description: 'why (kept with the mark)' })
  @IsOptional() @IsString() @MaxLength(500)
  note?: string;
}
