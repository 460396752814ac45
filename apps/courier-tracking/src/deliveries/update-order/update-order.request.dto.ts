import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { INITIATORS } from '@orders/delivery-domain';
import { OptionalNotNull } from '@orders/service-kit';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { CreateOrderDto } from '../create-order/create-order.request.dto';

// skipNullProperties: false, so a patch may leave a field out but not null a required one (`number: null`), which
// passed validation and failed in the service; nullable fields keep their own null rule.
export class PatchOrderDto extends PartialType(CreateOrderDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ enum: INITIATORS, default: 'user_api', description: 'Who changes the status (history source.initiator)' })
  @OptionalNotNull() @IsIn(INITIATORS)
  initiator?: string;

  @ApiPropertyOptional({ maxLength: 1023, description: 'Status update comment (order_status_comments)' }) @OptionalNotNull() @IsString() @MaxLength(1023)
  status_comment?: string;
}
