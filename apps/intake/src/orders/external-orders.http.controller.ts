import { Body, Controller, ForbiddenException, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam,
  ApiSecurity, ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ExternalOrderNotFound, LicenseRequired } from '@orders/ordering-domain';
import { CurrentPrincipal, type Principal, type TracedRequest } from '@orders/service-kit';
import { BoardQueryDto } from '../board/board-query.dto';
import { OrderBoardService, type BoardPage } from '../board/order-board.service';
import { ExternalOrdersService, type OperatorCommand, type OrderOutcome, type RequestContext } from './external-orders.service';
import { UUID_PATTERN } from './order-identity';
import { ConfirmContentsRequestDto, OrderCommandRequestDto, RejectOrderRequestDto } from './order-commands.request.dto';
import type { ExternalOrderView } from './order-view';
import { assertCompanyAccess, etagOf, expectedVersionOf, scopedIdempotencyKey } from './request-headers';
import { SubmitOrderRequestDto } from './submit-order.request.dto';

const COMPANY_ID = /^[\w.-]{1,128}$/;

/** The slice of Express's response the handlers touch (passthrough mode: Nest still writes the body). */
interface Response {
  status(code: number): Response;
  setHeader(name: string, value: string): unknown;
}

const ifMatchHeader = ApiHeader({ name: 'If-Match', required: false, description: 'The order version the action is for ("3"); else 409 CONCURRENCY_CONFLICT' });
const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key and body returns the first answer' });

/** Carbis mini-delivery, as an API: orders arrive AWAITING and operators accept or reject them, then follow them through. */
@ApiTags('external orders')
@ApiSecurity('api-key')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The company (tenant) the orders belong to' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: the key may not act for this company; LICENSE_REQUIRED on submit' })
@Controller('api/v1/companies/:companyId/external-orders')
export class ExternalOrdersController {
  constructor(private readonly orders: ExternalOrdersService, private readonly board: OrderBoardService) {}

  @Post()
  @ApiOperation({ summary: 'Submit an external order', description: 'Idempotent by (source, externalId): the same payload answers 200 with the same order; another payload 409 DUPLICATE_EXTERNAL_ID.' })
  @ApiOkResponse({ description: 'Received before: the same order (nothing appended)' })
  @ApiConflictResponse({ description: 'DUPLICATE_EXTERNAL_ID' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED with per-field codes' })
  async submit(@Param('companyId') companyId: string, @Body() body: SubmitOrderRequestDto, @CurrentPrincipal() principal: Principal,
    @Req() request: TracedRequest, @Res({ passthrough: true }) response: Response): Promise<OrderOutcome> {
    this.authorise(principal, companyId);
    try {
      const outcome = await this.orders.submit(companyId, body, contextOf(principal, request));
      response.status(outcome.created ? 201 : 200).setHeader('ETag', etagOf(outcome.version));
      response.setHeader('Location', `/api/v1/companies/${companyId}/external-orders/${outcome.orderId}`);
      return { orderId: outcome.orderId, status: outcome.status, version: outcome.version };
    } catch (error) {
      // A missing licence is a permission problem (403), not a field problem.
      if (error instanceof LicenseRequired) throw new ForbiddenException({ code: error.code, message: error.message });
      throw error;
    }
  }

  @Get()
  @ApiOperation({ summary: 'The order list, by status, with counts per status and the age of waiting orders' })
  async list(@Param('companyId') companyId: string, @Query() query: BoardQueryDto, @CurrentPrincipal() principal: Principal): Promise<BoardPage> {
    this.authorise(principal, companyId);
    return this.board.page(companyId, query.status ?? 'all', query.page ?? 1, query.pageSize ?? 50);
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'One order with its guest data, contents and history' })
  @ApiNotFoundResponse({ description: 'ORDER_NOT_FOUND (also for another company\'s order)' })
  async get(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response): Promise<ExternalOrderView> {
    this.authorise(principal, companyId);
    const view = await this.orders.view(companyId, this.orderIdOf(orderId));
    response.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Post(':orderId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an AWAITING order: the POS order is created, empty until its contents are confirmed' })
  @ifMatchHeader @idempotencyHeader
  @ApiConflictResponse({ description: 'ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT, IDEMPOTENCY_KEY_REUSED' })
  accept(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto,
    @Headers() headers: Record<string, string | undefined>, @CurrentPrincipal() principal: Principal, @Req() request: TracedRequest,
    @Res({ passthrough: true }) response: Response): Promise<OrderOutcome> {
    return this.run({ type: 'AcceptExternalOrder', data: { companyId, orderId: this.orderIdOf(orderId) } }, body, headers, principal, request, response);
  }

  @Post(':orderId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject an AWAITING order with a reason: it becomes DELETED' })
  @ifMatchHeader @idempotencyHeader
  @ApiConflictResponse({ description: 'ORDER_ALREADY_DECIDED, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  reject(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: RejectOrderRequestDto,
    @Headers() headers: Record<string, string | undefined>, @CurrentPrincipal() principal: Principal, @Req() request: TracedRequest,
    @Res({ passthrough: true }) response: Response): Promise<OrderOutcome> {
    return this.run({ type: 'RejectExternalOrder', data: { companyId, orderId: this.orderIdOf(orderId), reasonCode: body.reasonCode } },
      body, headers, principal, request, response);
  }

  @Post(':orderId/confirm-contents')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm (or later edit) what the POS order holds; the items may differ from those received' })
  @ifMatchHeader @idempotencyHeader
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  confirmContents(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: ConfirmContentsRequestDto,
    @Headers() headers: Record<string, string | undefined>, @CurrentPrincipal() principal: Principal, @Req() request: TracedRequest,
    @Res({ passthrough: true }) response: Response): Promise<OrderOutcome> {
    const items = body.items.map((item) => ({ ...(item.sku !== undefined ? { sku: item.sku } : {}), name: item.name, quantity: item.quantity, priceMinor: item.priceMinor }));
    return this.run({ type: 'ConfirmOrderContents', data: { companyId, orderId: this.orderIdOf(orderId), items } }, body, headers, principal, request, response);
  }

  @Post(':orderId/dispatch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the order on its way (ON_WAY «В пути»); only after its contents were confirmed' })
  @ifMatchHeader @idempotencyHeader
  @ApiConflictResponse({ description: 'CONTENTS_NOT_CONFIRMED, INVALID_STATE_TRANSITION, CONCURRENCY_CONFLICT' })
  dispatch(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto,
    @Headers() headers: Record<string, string | undefined>, @CurrentPrincipal() principal: Principal, @Req() request: TracedRequest,
    @Res({ passthrough: true }) response: Response): Promise<OrderOutcome> {
    return this.run({ type: 'DispatchOrder', data: { companyId, orderId: this.orderIdOf(orderId) } }, body, headers, principal, request, response);
  }

  @Post(':orderId/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive an accepted order («Архив»)' })
  @ifMatchHeader @idempotencyHeader
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  archive(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto,
    @Headers() headers: Record<string, string | undefined>, @CurrentPrincipal() principal: Principal, @Req() request: TracedRequest,
    @Res({ passthrough: true }) response: Response): Promise<OrderOutcome> {
    return this.run({ type: 'ArchiveOrder', data: { companyId, orderId: this.orderIdOf(orderId) } }, body, headers, principal, request, response);
  }

  private async run(command: Omit<OperatorCommand, 'metadata'>, body: OrderCommandRequestDto, headers: Record<string, string | undefined>,
    principal: Principal, request: TracedRequest, response: Response): Promise<OrderOutcome> {
    this.authorise(principal, command.data.companyId);
    // Validation (422) before state (409): both header checks throw before anything is read.
    const expectedVersion = expectedVersionOf(headers['if-match'], body.expectedVersion);
    const idempotencyKey = scopedIdempotencyKey(principal, headers['idempotency-key']);
    const metadata = this.orders.metadata(contextOf(principal, request), idempotencyKey);
    const outcome = await this.orders.execute({ ...command, metadata } as OperatorCommand, { expectedVersion, idempotencyKey });
    response.setHeader('ETag', etagOf(outcome.version));
    return outcome;
  }

  private authorise(principal: Principal, companyId: string): void {
    if (!COMPANY_ID.test(companyId)) throw new ExternalOrderNotFound(companyId);
    assertCompanyAccess(principal, companyId);
  }

  /** Order ids are UUIDs; anything else names no order. */
  private orderIdOf(orderId: string): string {
    if (!UUID_PATTERN.test(orderId)) throw new ExternalOrderNotFound(orderId);
    return orderId.toLowerCase();
  }
}

export function contextOf(principal: Principal, request: TracedRequest): RequestContext {
  return { actor: principal.id, ...(request.correlationId ? { correlationId: request.correlationId } : {}) };
}

