import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The answers of our own queue routes, as the OpenAPI document shows them (cancellation-queries.ts builds them).

/** The pager of our lists: Market's FlippingPagerDTO shape, so one reader reads both. */
export class QueuePagerDto {
  @ApiProperty({ type: 'integer', example: 1 }) total!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'First item shown (1-based), 0 when none' }) from!: number;
  @ApiProperty({ type: 'integer', example: 1 }) to!: number;
  @ApiProperty({ type: 'integer', example: 1 }) currentPage!: number;
  @ApiProperty({ type: 'integer', example: 1 }) pagesCount!: number;
  @ApiProperty({ type: 'integer', example: 50 }) pageSize!: number;
}

export class PendingRequestDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 1001, description: "Market's order id" }) orderId!: number;
  @ApiProperty({ example: 'DELIVERY', description: "Market's order status (UNKNOWN before the order was fetched)" })
  status!: string;
  @ApiPropertyOptional({ example: 'COURIER_SEARCH' }) substatus?: string;
  @ApiProperty({ type: 'integer', example: 3, description: 'The order version: If-Match on the decision' })
  version!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:00:00.000Z' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-03T10:00:00.000Z' }) deadlineAt!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 172800 }) timeLeftSeconds!: number;
  @ApiPropertyOptional({ example: 'DELIVERY_SERVICE_UNDELIVERED', description: "The buyer's cancellation substatus" })
  buyerSubstatus?: string;
}

export class PendingRequestsDto {
  @ApiProperty({ type: QueuePagerDto }) pager!: QueuePagerDto;
  @ApiProperty({ type: [PendingRequestDto] }) requests!: PendingRequestDto[];
}

export class DecisionDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 1001 }) orderId!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:00:00.000Z' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-03T10:00:00.000Z' }) deadlineAt!: string;
  @ApiProperty({ example: 'REJECTED', description: 'ACCEPTED, REJECTED, EXPIRED or CLOSED' }) state!: string;
  @ApiPropertyOptional({ example: 'ORDER_DELIVERED' }) reason?: string;
  @ApiPropertyOptional({ example: 'shop21' }) decidedBy?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) decidedAt?: string;
}

export class DecisionsDto {
  @ApiProperty({ type: QueuePagerDto }) pager!: QueuePagerDto;
  @ApiProperty({ type: [DecisionDto] }) decisions!: DecisionDto[];
}

export class MarketRefusalDto {
  @ApiProperty({ type: 'integer', format: 'int64', example: 1001 }) orderId!: number;
  @ApiProperty({ example: 'request-1001-1' }) requestId!: string;
  @ApiProperty({ example: false }) accepted!: boolean;
  @ApiPropertyOptional({ example: 'ORDER_DELIVERED' }) reason?: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ format: 'date-time' }) refusedAt!: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 400, description: "Market's answer status" })
  status!: number | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'ORDER_IS_NOT_IN_DELIVERY' }) error!: string | null;
}

export class MarketRefusalsDto {
  @ApiProperty({ type: QueuePagerDto }) pager!: QueuePagerDto;
  @ApiProperty({ type: [MarketRefusalDto] }) refusals!: MarketRefusalDto[];
}
