import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueuePagerDto } from '../cancellation-queue/cancellation-queue.response.dto';

// The answers of the Market-calls routes, as the OpenAPI document shows them (market-calls.query.ts and
// MarketLimits.usage build them).

export class MarketDecisionBodyDto {
  @ApiProperty({ example: false }) accepted!: boolean;
  @ApiPropertyOptional({ example: 'ORDER_DELIVERED' }) reason?: string;
}

export class MarketCallSentDto {
  @ApiProperty({ enum: ['GET', 'PUT'], example: 'PUT' }) method!: string;
  @ApiProperty({ example: '/v2/campaigns/21/orders/1001/cancellation/accept' }) path!: string;
  @ApiProperty({ type: MarketDecisionBodyDto, nullable: true, description: 'The request body (a GET has none)' })
  body!: MarketDecisionBodyDto | null;
}

export class MarketCallAnswerDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 200,
    description: 'null: no answer came (timeout, network)',
  })
  status!: number | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'OK',
    description: "OK, or Market's first error `code: message`",
  })
  summary!: string | null;
}

export class MarketCallDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ enum: ['acceptOrderCancellation', 'getOrder'], example: 'acceptOrderCancellation' })
  operation!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 1001 }) orderId!: number;
  @ApiProperty({ example: 'request-1001-1', description: 'The decided request, or order-created for a new order' })
  causeId!: string;
  @ApiProperty({ enum: ['PENDING', 'SENT', 'REFUSED'], example: 'SENT' }) state!: string;
  @ApiProperty({ type: MarketCallSentDto }) sent!: MarketCallSentDto;
  @ApiProperty({
    type: MarketCallAnswerDto,
    nullable: true,
    description: "Market's last answer; null before the first",
  })
  answer!: MarketCallAnswerDto | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) attempts!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:00:00.000Z' }) decidedAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it is tried again (PENDING)' })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2026-03-01T10:00:01.000Z' })
  settledAt!: string | null;
}

export class MarketCallsDto {
  @ApiProperty({ type: QueuePagerDto }) pager!: QueuePagerDto;
  @ApiProperty({ type: [MarketCallDto] }) calls!: MarketCallDto[];
}

export class MarketLimitDto {
  @ApiProperty({ example: 'to-market:acceptOrderCancellation' }) resource!: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 500, description: 'null: no hourly budget' })
  perHour!: number | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 3 }) usedThisHour!: number;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, example: 497 }) leftThisHour!: number | null;
  @ApiProperty({ type: 'integer', example: 4 }) parallel!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) parallelInUse!: number;
  @ApiProperty({
    format: 'date-time',
    example: '2026-03-01T11:00:00.000Z',
    description: 'When the hourly count restarts',
  })
  resetsAt!: string;
}

export class MarketLimitsDto {
  @ApiProperty({ example: '21' }) campaignId!: string;
  @ApiProperty({ type: [MarketLimitDto] }) limits!: MarketLimitDto[];
}
