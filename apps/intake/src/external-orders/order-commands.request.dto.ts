import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '@orders/service-kit';
import { REJECTION_REASONS, type RejectionReason } from '@orders/ordering-domain';
import { OrderItemDto } from './order-item.dto';
import { MAX_ORDER_ITEMS } from './submit-order/submit-order.request.dto';

/** Body of accept, dispatch and archive; the version may come as `If-Match` instead. */
export class OrderCommandRequestDto {
  @ApiPropertyOptional({ description: 'Act only if the order is still at this version (else 409 CONCURRENCY_CONFLICT); or send If-Match', minimum: 1 })
  @OptionalNotNull() @IsInt() @Min(1)
  expectedVersion?: number;
}

export class RejectOrderRequestDto extends OrderCommandRequestDto {
  @ApiProperty({ enum: REJECTION_REASONS, description: 'Why the order is refused (it becomes DELETED «Удален»)' })
  @IsIn(REJECTION_REASONS)
  reasonCode!: RejectionReason;
}

export class ConfirmContentsRequestDto extends OrderCommandRequestDto {
  @ApiProperty({ type: [OrderItemDto], description: 'What the POS order holds now; may differ from what was received' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDER_ITEMS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}
