import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity,
  ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ExternalOrderNotFound } from '@orders/ordering-domain';
import { CurrentPrincipal, type Principal } from '@orders/service-kit';
import { BoardQueryDto } from '../board/board-query.dto';
import { OrderBoardService, type BoardPage } from '../board/order-board.service';
import { ExternalOrderCommands, type CommandContext, type OperatorCommand, type OperatorData, type OrderOutcome } from './external-orders.commands';
import { ExternalOrdersService } from './external-orders.service';
import { UUID_PATTERN } from './order-identity';
import { ConfirmContentsRequestDto, OrderCommandRequestDto, RejectOrderRequestDto } from './order-commands.request.dto';
import type { ExternalOrderView } from './order-view';
import { assertCompanyAccess, etagOf, expectedVersionOf, scopedIdempotencyKey } from './request-headers';
import { SubmitOrderRequestDto } from './submit-order.request.dto';
import { Call, type CallContext, type HttpResponse } from './call-context.decorator';

const COMPANY_ID = /^[\w.-]{1,128}$/;

/** The conditions every operator action takes, documented once. */
const conditional = (): MethodDecorator => applyDecorators(
  HttpCode(200),
  ApiHeader({ name: 'If-Match', required: false, description: 'The order version the action is for ("3"); else 409 CONCURRENCY_CONFLICT' }),
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key and body returns the first answer' }),
);

/** Carbis mini-delivery, as an API: orders arrive AWAITING and operators accept or reject them, then follow them through. */
@ApiTags('external orders')
@ApiSecurity('api-key')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The company (tenant) the orders belong to' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: the key may not act for this company; LICENSE_REQUIRED on submit' })
@Controller('api/v1/companies/:companyId/external-orders')
export class ExternalOrdersController {
  constructor(private readonly commands: ExternalOrderCommands, private readonly orders: ExternalOrdersService, private readonly board: OrderBoardService) {}

  @Post()
  @ApiOperation({ summary: 'Submit an external order', description: 'Idempotent by (source, externalId): the same payload answers 200 with the same order; another payload 409 DUPLICATE_EXTERNAL_ID.' })
  @ApiOkResponse({ description: 'Received before: the same order (nothing appended)' })
  @ApiConflictResponse({ description: 'DUPLICATE_EXTERNAL_ID' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED with per-field codes' })
  async submit(@Param('companyId') companyId: string, @Body() body: SubmitOrderRequestDto, @Call() call: CallContext): Promise<OrderOutcome> {
    authorise(call.principal, companyId);
    // A missing licence (LicenseRequired) answers 403 through the kit's error filter.
    const outcome = await this.commands.submit(companyId, body, contextOf(call));
    call.response.status(outcome.created ? 201 : 200).setHeader('ETag', etagOf(outcome.version));
    call.response.setHeader('Location', `/api/v1/companies/${companyId}/external-orders/${outcome.orderId}`);
    return { orderId: outcome.orderId, status: outcome.status, version: outcome.version };
  }

  @Get()
  @ApiOperation({ summary: 'The order list, by status, with counts per status and the age of waiting orders' })
  async list(@Param('companyId') companyId: string, @Query() query: BoardQueryDto, @CurrentPrincipal() principal: Principal): Promise<BoardPage> {
    authorise(principal, companyId);
    return this.board.page(companyId, query.status ?? 'all', query.page ?? 1, query.pageSize ?? 50);
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'One order with its guest data, contents and history' })
  @ApiNotFoundResponse({ description: 'ORDER_NOT_FOUND (also for another company\'s order)' })
  async get(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Call() call: CallContext): Promise<ExternalOrderView> {
    authorise(call.principal, companyId);
    const view = await this.orders.view(companyId, orderIdOf(orderId));
    call.response.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Post(':orderId/accept')
  @conditional()
  @ApiOperation({ summary: 'Accept an AWAITING order: the POS order is created, empty until its contents are confirmed' })
  @ApiConflictResponse({ description: 'ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT, IDEMPOTENCY_KEY_REUSED' })
  accept(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto, @Call() call: CallContext): Promise<OrderOutcome> {
    return this.run('AcceptExternalOrder', { companyId, orderId }, body, call);
  }

  @Post(':orderId/reject')
  @conditional()
  @ApiOperation({ summary: 'Reject an AWAITING order with a reason: it becomes DELETED' })
  @ApiConflictResponse({ description: 'ORDER_ALREADY_DECIDED, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  reject(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: RejectOrderRequestDto, @Call() call: CallContext): Promise<OrderOutcome> {
    return this.run('RejectExternalOrder', { companyId, orderId, reasonCode: body.reasonCode }, body, call);
  }

  @Post(':orderId/confirm-contents')
  @conditional()
  @ApiOperation({ summary: 'Confirm (or later edit) what the POS order holds; the items may differ from those received' })
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  confirmContents(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: ConfirmContentsRequestDto,
    @Call() call: CallContext): Promise<OrderOutcome> {
    const items = body.items.map((item) => ({ ...(item.sku !== undefined ? { sku: item.sku } : {}), name: item.name, quantity: item.quantity, priceMinor: item.priceMinor }));
    return this.run('ConfirmOrderContents', { companyId, orderId, items }, body, call);
  }

  @Post(':orderId/dispatch')
  @conditional()
  @ApiOperation({ summary: 'Send the order on its way (ON_WAY «В пути»); only after its contents were confirmed' })
  @ApiConflictResponse({ description: 'CONTENTS_NOT_CONFIRMED, INVALID_STATE_TRANSITION, CONCURRENCY_CONFLICT' })
  dispatch(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto, @Call() call: CallContext): Promise<OrderOutcome> {
    return this.run('DispatchOrder', { companyId, orderId }, body, call);
  }

  @Post(':orderId/archive')
  @conditional()
  @ApiOperation({ summary: 'Archive an accepted order («Архив»)' })
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  archive(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto, @Call() call: CallContext): Promise<OrderOutcome> {
    return this.run('ArchiveOrder', { companyId, orderId }, body, call);
  }

  private async run<T extends OperatorCommand['type']>(type: T, data: OperatorData<T>, body: OrderCommandRequestDto,
    call: CallContext): Promise<OrderOutcome> {
    authorise(call.principal, data.companyId);
    // Validation (422, 400) before state (409): the id and both headers are checked before anything is call.
    const target = { ...data, orderId: orderIdOf(data.orderId) } as OperatorData<T>;
    const expectedVersion = expectedVersionOf(call.ifMatch, body.expectedVersion);
    const idempotencyKey = scopedIdempotencyKey(call.principal, call.idempotencyKey);
    const outcome = await this.commands.execute(type, target, { ...contextOf(call), expectedVersion, idempotencyKey });
    setEtag(call.response, outcome.version);
    return outcome;
  }
}

function authorise(principal: Principal, companyId: string): void {
  if (!COMPANY_ID.test(companyId)) throw new ExternalOrderNotFound(companyId);
  assertCompanyAccess(principal, companyId);
}

/** Order ids are UUIDs; anything else names no order. */
function orderIdOf(orderId: string): string {
  if (!UUID_PATTERN.test(orderId)) throw new ExternalOrderNotFound(orderId);
  return orderId.toLowerCase();
}

const setEtag = (response: HttpResponse, version: number): void => void response.setHeader('ETag', etagOf(version));

function contextOf(call: CallContext): CommandContext {
  return { actor: call.principal.id, ...(call.correlationId ? { correlationId: call.correlationId } : {}) };
}
