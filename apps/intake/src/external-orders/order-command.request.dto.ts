import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import { OptionalNotNull } from '@orders/service-kit';

/** Body of accept, dispatch and archive (and the base of the others); the version may come as `If-Match` instead. */
export class OrderCommandRequestDto {
  @ApiPropertyOptional({
    description: 'Act only if the order is still at this version (else 409 CONCURRENCY_CONFLICT); or send If-Match',
    minimum: 1, example: 1,
  })
  @OptionalNotNull() @IsInt() @Min(1)
  expectedVersion?: number;
}
