import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

/** The `ops rebuild` options an operator may give from the console. */
export class RebuildRequestDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 50_000,
    default: 5000,
    example: 5000,
    description: 'journal events folded per transaction',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50_000)
  batchSize?: number;

  @ApiPropertyOptional({
    default: false,
    example: false,
    description: 'abandon a rebuild a crash left running instead of resuming it',
  })
  @IsOptional()
  @IsBoolean()
  restart?: boolean;
}
