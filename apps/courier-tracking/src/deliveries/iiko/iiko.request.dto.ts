import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CALLER_PAYMENT_TYPES } from '@orders/delivery-domain';
import { IsDateTime, OptionalNotNull } from '@orders/service-kit';
import { IsDefined, IsIn, IsNumber, Min, ValidateIf } from 'class-validator';

const instant = { context: { code: 'INVALID_DATE_TIME' } } as const;

/** iiko SetDeliveryDelivered + ChangeDeliveryActualDeliverTime. */
export class MarkDeliveredDto {
  @ApiProperty({ example: '2026-03-02T11:20:00+03:00' }) @IsDateTime(instant)
  actual_delivered_at!: string;
}

/** iiko SetDeliveryCloseTime: a time closes, null reopens. */
export class CloseTimeDto {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-03-02T12:00:00+03:00' })
  @IsDefined() @ValidateIf((_object, value) => value !== null) @IsDateTime(instant)
  close_time!: string | null;
}

/** iiko PayOrder, recorded as an event. */
export class PaymentDto {
  @ApiProperty({ enum: CALLER_PAYMENT_TYPES, example: 'card' }) @IsIn(CALLER_PAYMENT_TYPES)
  payment_type!: 'cash' | 'card' | 'prepaid';

  @ApiPropertyOptional({ minimum: 0, description: 'rubles' }) @OptionalNotNull() @IsNumber() @Min(0)
  amount?: number;

  @ApiPropertyOptional({ description: 'default: now' }) @OptionalNotNull() @IsDateTime(instant)
  paid_at?: string;
}
