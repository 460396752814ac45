import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, INITIATORS } from '@orders/delivery-domain';
import { IIKO_DELIVERY_STATUSES } from './iiko/iiko-delivery-state';
import { idSchema } from './reference-ids';

// The Track & Trace order as every order and iiko route answers it (toOrderResponse), for the OpenAPI document.

const text = (example?: string) => ({ type: 'string' as const, nullable: true, ...(example ? { example } : {}) });
const decimal = (example?: number) => ({ type: 'number' as const, nullable: true, ...(example ? { example } : {}) });
const instant = { type: 'string' as const, format: 'date-time', nullable: true };

export class PositionDto {
  @ApiProperty({ type: 'number', example: 55.757 }) lat!: number;
  @ApiProperty({ type: 'number', example: 37.615 }) lon!: number;
  @ApiProperty({ example: '2026-03-02T11:20:00+03:00' }) time!: string;
}

export class HistorySourceDto {
  @ApiProperty({ enum: INITIATORS, example: 'user_api' }) initiator!: string;
}

export class HistoryItemDto {
  @ApiProperty({
    enum: [
      'ORDER_CREATED',
      'START',
      'ORDER_BECAME_NEXT',
      'STATUS_UPDATE',
      'INTERVAL_UPDATE',
      'ARRIVAL',
      'ORDER_VISIT',
      'DEPARTURE',
    ],
    example: 'ORDER_CREATED',
  })
  event!: string;
  @ApiProperty({ example: '2026-03-02T10:00:00+03:00', description: "ISO 8601 in the order's time zone" })
  time!: string;
  @ApiProperty({ type: 'integer', example: 1772434800, description: 'UNIX seconds' }) timestamp!: number;
  @ApiPropertyOptional({ type: PositionDto }) position?: PositionDto;
  @ApiPropertyOptional({ type: 'number' }) used_mark_delivered_radius?: number;
  @ApiPropertyOptional({ type: HistorySourceDto }) source?: HistorySourceDto;
}

export class PointDto {
  @ApiProperty({ type: 'number', example: 55.757 }) lat!: number;
  @ApiProperty({ type: 'number', example: 37.615 }) lon!: number;
}

export class StatusLogEntryDto {
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'new' }) status!: string;
  @ApiProperty({ type: 'integer', example: 1772434800 }) timestamp!: number;
  @ApiPropertyOptional({ type: PointDto }) point?: PointDto;
}

export class StatusCommentDto {
  @ApiProperty({ type: 'integer', example: 1 }) id!: number;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'postponed' }) status!: string;
  @ApiProperty({ example: 'the recipient asked for tomorrow' }) comment!: string;
}

export class TimeWindowDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T08:00:00.000Z' }) start!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:00:00.000Z' }) end!: string;
}

export class CompanyNumberDto {
  @ApiProperty({ example: '106', description: 'Our company id' }) number!: string;
  @ApiPropertyOptional({ type: 'integer', example: 106, description: 'Its integer, when it is spelt as one' })
  id?: number;
}

export class OrderResponseDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 1, description: "The order's Track & Trace integer id" })
  id!: number;
  @ApiProperty({ format: 'uuid', description: 'Our id of the delivery; paths take either' }) delivery_id!: string;
  @ApiProperty({ ...idSchema, example: 105 }) company_id!: number | string;
  @ApiProperty({ ...idSchema, nullable: true, example: 7 }) route_id!: number | string | null;
  @ApiProperty({ ...idSchema, nullable: true, example: 12 }) depot_id!: number | string | null;
  @ApiProperty({ type: 'array', items: idSchema, example: [106] }) shared_with_company_ids!: (number | string)[];
  @ApiProperty({ type: [CompanyNumberDto] }) shared_with_companies!: CompanyNumberDto[];
  @ApiProperty({ example: 'N-1024' }) number!: string;
  @ApiProperty(text('C-77')) customer_number!: string | null;
  @ApiProperty(text()) description!: string | null;
  @ApiProperty({ ...decimal(1250.5), description: 'rubles' }) amount!: number | null;
  @ApiProperty(text('card')) payment_type!: string | null;
  @ApiProperty(text('not_paid')) payment_status!: string | null;
  @ApiProperty({ example: 'courier' }) service_type!: string;
  @ApiProperty({ type: 'integer', example: 600 }) service_duration_s!: number;
  @ApiProperty({ type: 'integer', example: 0 }) shared_service_duration_s!: number;
  @ApiProperty(decimal(500)) mark_delivered_radius!: number | null;
  @ApiProperty(text()) eta_type!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'new' }) status!: string;
  @ApiProperty(decimal(0.5)) volume!: number | null;
  @ApiProperty(decimal(2.5)) weight!: number | null;
  @ApiProperty({ example: '11:00-12:00' }) time_interval!: string;
  @ApiProperty({ type: 'array', items: { type: 'integer' }, example: [39600, 43200] }) time_interval_secs!: number[];
  @ApiProperty({ type: TimeWindowDto }) time_window!: TimeWindowDto;
  @ApiProperty({ example: 'Europe/Moscow' }) time_zone!: string;
  @ApiProperty(instant) confirmed_at!: string | null;
  @ApiProperty(instant) delivered_at!: string | null;
  @ApiProperty({ ...instant, description: 'iiko: the actual deliver time' }) actual_delivered_at!: string | null;
  @ApiProperty({ ...instant, description: 'iiko: closed when set' }) close_time!: string | null;
  @ApiProperty() paid!: boolean;
  @ApiProperty({
    type: 'string',
    enum: [...IIKO_DELIVERY_STATUSES, null],
    nullable: true,
    example: 'OnWay',
    description: "iiko's DeliveryStatus; null for partially_finished",
  })
  delivery_status!: string | null;
  @ApiProperty({ description: 'iiko DeliveryStatus.Closed: a close time is set' }) closed!: boolean;
  @ApiProperty({ type: [HistoryItemDto] }) history!: HistoryItemDto[];
  @ApiProperty({ type: [StatusLogEntryDto] }) status_log!: StatusLogEntryDto[];
  @ApiProperty({ type: [StatusCommentDto] }) order_status_comments!: StatusCommentDto[];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty(decimal(55.757)) lat!: number | null;
  @ApiProperty(decimal(37.615)) lon!: number | null;
  @ApiProperty(decimal()) refined_lat!: number | null;
  @ApiProperty(decimal()) refined_lon!: number | null;
  @ApiProperty({ ...text('Anna Petrovna Smirnova'), description: 'Null once erased' }) customer_name!: string | null;
  @ApiProperty(text('+79161234567')) phone!: string | null;
  @ApiProperty(text('Tverskaya street 7, apt 12')) address!: string | null;
  @ApiProperty(text('door code 4412')) comments!: string | null;
  @ApiProperty({ type: 'integer', example: 1, description: 'As in the ETag header' }) version!: number;
}
