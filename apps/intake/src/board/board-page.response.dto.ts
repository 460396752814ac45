import { ApiProperty } from '@nestjs/swagger';
import { OrderItemDto } from '../external-orders/order-item.dto';
import { STATUS_FILTERS } from './board-query.dto';

// The order list as the OpenAPI document shows it (order-board.service.ts builds it).

export class ContactsDto {
  @ApiProperty({ example: '+77776665544' }) phone!: string;
  @ApiProperty({ example: 'Pushkin street 2, apt 5' }) address!: string;
}

export class BoardLineDto {
  @ApiProperty({ format: 'uuid', example: '0190f5d2-0000-7000-8000-000000000001' }) orderId!: string;
  @ApiProperty({ example: 'A-1024', description: 'The external id (№)' }) number!: string;
  @ApiProperty({ example: 'site' }) source!: string;
  @ApiProperty({ example: 'AWAITING' }) status!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'Ivan Ivanovich Ivanov' }) customer!: string | null;
  @ApiProperty({ type: ContactsDto, nullable: true }) contacts!: ContactsDto | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2020-01-13T12:30:00+06:00' })
  requestedTime!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 38600 }) amountMinor!: number;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty({ type: [OrderItemDto] }) contents!: OrderItemDto[];
  @ApiProperty({ type: [OrderItemDto] }) orderedItems!: OrderItemDto[];
  @ApiProperty() contentsConfirmed!: boolean;
  @ApiProperty() contentsChanged!: boolean;
  @ApiProperty({ example: 'courier' }) serviceType!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 95 }) awaitingSeconds!: number | null;
  @ApiProperty({ type: 'integer', example: 1 }) version!: number;
}

const countsSchema = {
  type: 'object' as const,
  additionalProperties: false,
  properties: Object.fromEntries(STATUS_FILTERS.map((status) => [status, { type: 'integer' as const, minimum: 0 }])),
  example: { ALL: 3, AWAITING: 1, CREATED: 1, ACCEPTED: 0, ON_WAY: 1, ARCHIVED: 0, DELETED: 0, CANCELLED: 0 },
};

export class BoardPageDto {
  @ApiProperty({ type: [BoardLineDto] }) items!: BoardLineDto[];
  @ApiProperty({ ...countsSchema, description: 'Orders per status filter' }) counts!: Record<string, number>;
  @ApiProperty({ type: 'integer', nullable: true, example: 95 }) oldestAwaitingSeconds!: number | null;
  @ApiProperty({ type: 'integer', example: 1 }) page!: number;
  @ApiProperty({ type: 'integer', example: 50 }) pageSize!: number;
  @ApiProperty({ type: 'integer', example: 3 }) total!: number;
}
