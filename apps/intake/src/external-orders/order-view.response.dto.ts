import { ApiProperty } from '@nestjs/swagger';
import {
  CANCELLATION_CAUSES,
  ORDER_STATUSES,
  REJECTION_REASONS,
  SERVICE_TYPES,
  type OrderStatus,
} from '@orders/ordering-domain';
import { OrderItemDto } from './order-item.dto';

// The order window as the OpenAPI document shows it (order-view.ts builds it).

export class CustomerDto {
  @ApiProperty({ example: 'Ivan Ivanovich Ivanov' }) name!: string;
  @ApiProperty({ example: '+77776665544', description: 'E.164' }) phone!: string;
}

export class LocationViewDto {
  @ApiProperty({ type: 'number', example: 43.238949 }) lat!: number;
  @ApiProperty({ type: 'number', example: 76.889709 }) lon!: number;
}

export class PosOrderDto {
  @ApiProperty({ example: 'pos-0190f5d2' }) ref!: string;
  @ApiProperty({ example: 'Dlv.1024', description: 'The POS table: Dlv.<number>' }) table!: string;
  @ApiProperty({ type: [OrderItemDto], description: 'Empty until the contents are confirmed' }) items!: OrderItemDto[];
}

export class RejectionDto {
  @ApiProperty({ enum: REJECTION_REASONS, example: 'GUEST_UNREACHABLE' }) reasonCode!: string;
  @ApiProperty({ example: 'desk-a' }) rejectedBy!: string;
  @ApiProperty({ format: 'date-time' }) rejectedAt!: string;
}

export class CancellationDto {
  @ApiProperty({ enum: CANCELLATION_CAUSES, example: 'MARKETPLACE_CANCELLATION_ACCEPTED' }) cause!: string;
  @ApiProperty({ example: 'market:21:1001' }) cancellationRef!: string;
  @ApiProperty({ format: 'date-time' }) cancelledAt!: string;
}

export class HistoryEntryDto {
  @ApiProperty({ type: 'integer', example: 1 }) version!: number;
  @ApiProperty({ example: 'ExternalOrderReceived' }) type!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'desk-a' }) actor!: string | null;
}

export class ExternalOrderViewDto {
  @ApiProperty({ format: 'uuid', example: '0190f5d2-0000-7000-8000-000000000001' }) orderId!: string;
  @ApiProperty({ example: 'company-a' }) companyId!: string;
  @ApiProperty({ example: 'site' }) source!: string;
  @ApiProperty({ example: 'A-1024' }) externalId!: string;
  @ApiProperty({ enum: ORDER_STATUSES, example: 'AWAITING' }) status!: OrderStatus;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'As in the ETag header' }) version!: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    example: '2020-01-13T12:30:00+06:00',
    description: 'With the offset it was given with; null for as soon as possible',
  })
  requestedTime!: string | null;
  @ApiProperty({ enum: SERVICE_TYPES, example: 'courier' }) serviceType!: string;
  @ApiProperty({
    type: [OrderItemDto],
    description: "The guest's lines before «Принять»; then the POS order's, empty until confirmed",
  })
  items!: OrderItemDto[];
  @ApiProperty({ type: [OrderItemDto], description: 'What the guest ordered' }) receivedItems!: OrderItemDto[];
  @ApiProperty({ type: 'integer', minimum: 0, example: 38600 }) amountMinor!: number;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty() contentsConfirmed!: boolean;
  @ApiProperty() contentsChanged!: boolean;
  @ApiProperty({ type: PosOrderDto, nullable: true }) posOrder!: PosOrderDto | null;
  @ApiProperty({ type: RejectionDto, nullable: true }) rejection!: RejectionDto | null;
  @ApiProperty({ type: CancellationDto, nullable: true }) cancellation!: CancellationDto | null;
  @ApiProperty({ type: CustomerDto, nullable: true, description: 'Null once the personal data was erased' })
  customer!: CustomerDto | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Pushkin street 2, apt 5' }) address!: string | null;
  @ApiProperty({ type: LocationViewDto, nullable: true }) location!: LocationViewDto | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Call at the door' }) comment!: string | null;
  @ApiProperty({ type: [HistoryEntryDto] }) history!: HistoryEntryDto[];
}
