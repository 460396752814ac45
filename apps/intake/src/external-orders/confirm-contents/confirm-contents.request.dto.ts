import { ApiProperty } from '@nestjs/swagger';
import { MAX_ORDER_ITEMS } from '@orders/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, ValidateNested } from 'class-validator';
import { OrderCommandRequestDto } from '../order-command.request.dto';
import { OrderItemDto } from '../order-item.dto';

export class ConfirmContentsRequestDto extends OrderCommandRequestDto {
  @ApiProperty({ type: [OrderItemDto], description: 'What the POS order holds now; may differ from what was received' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDER_ITEMS) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}
