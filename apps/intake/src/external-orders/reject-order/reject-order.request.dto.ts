import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { REJECTION_REASONS, type RejectionReason } from '@orders/ordering-domain';
import { OrderCommandRequestDto } from '../order-command.request.dto';

export class RejectOrderRequestDto extends OrderCommandRequestDto {
  @ApiProperty({ enum: REJECTION_REASONS, description: 'Why the order is refused (it becomes DELETED «Удален»)' })
  @IsIn(REJECTION_REASONS)
  reasonCode!: RejectionReason;
}
