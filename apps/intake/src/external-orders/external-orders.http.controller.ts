import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity,
  ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  agreedExpectedVersion, CommandContext, CurrentPrincipal, etagOf, NoStore, NotFound, NotFoundAs, type Principal,
} from '@orders/service-kit';
import type { CommandContext as OrderCommandContext } from '@orders/event-store';
import type { ServerResponse } from 'node:http';
import { BoardQueryDto } from '../board/board-query.dto';
import { OrderBoardService, type BoardPage } from '../board/order-board.service';
import {
  ExternalOrderCommands, type OperatorCommand, type OperatorData, type OrderOutcome,
} from './external-orders.commands';
import { ExternalOrdersService } from './external-orders.service';
import { UUID_PATTERN } from './order-identity';
import { ConfirmContentsRequestDto, OrderCommandRequestDto, RejectOrderRequestDto } from './order-commands.request.dto';
import type { ExternalOrderView } from './order-view';
import { assertCompanyAccess } from './company-access';
import { SubmitOrderRequestDto } from './submit-order/submit-order.request.dto';

/** The slice of the response the handlers touch (Nest still writes the body). */
type HttpResponse = Pick<ServerResponse, 'setHeader'> & { status(code: number): HttpResponse };

const COMPANY_ID = /^[\w.-]{1,128}$/;

/** The conditions every operator action takes, documented once. */
const conditional = (): MethodDecorator => applyDecorators(
  HttpCode(200),
  ApiHeader({ name: 'If-Match', required: false, description: 'The order version the action is for ("3"); else 409 CONCURRENCY_CONFLICT' }),
  ApiHeader({
    name: 'Idempotency-Key', required: false,
    description: 'A retry with the same key and body returns the first answer (rules: apps/README.md)',
  }),
);

/** Carbis mini-delivery, as an API: orders arrive AWAITING and operators accept or reject them, then follow them through. */
@ApiTags('external orders')
@ApiSecurity('api-key')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', description: 'The company (tenant) the orders belong to' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: the key may not act for this company; LICENSE_REQUIRED on submit' })
@ApiNotFoundResponse({ description: 'NOT_FOUND with details {resource: "order", id} (also for another company\'s order)' })
// Orders carry the guest's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('order', 'orderId')
@Controller('api/v1/companies/:companyId/external-orders')
export class ExternalOrdersController {
  constructor(private readonly commands: ExternalOrderCommands, private readonly orders: ExternalOrdersService, private readonly board: OrderBoardService) {}

  @Post()
  @ApiOperation({ summary: 'Submit an external order', description: 'Idempotent by (source, externalId): the same payload answers 200 with the same order; another payload 409 DUPLICATE_EXTERNAL_ID.' })
  @ApiOkResponse({ description: 'Received before: the same order (nothing appended)' })
  @ApiConflictResponse({ description: 'DUPLICATE_EXTERNAL_ID' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED with per-field codes' })
  async submit(@Param('companyId') companyId: string, @Body() body: SubmitOrderRequestDto, @CommandContext() command: CommandContext,
    @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    authorise(command.principal, companyId);
    // A missing licence (LicenseRequired) answers 403 through the kit's error filter.
    const outcome = await this.commands.submit(companyId, body, contextOf(command));
    response.status(outcome.created ? 201 : 200).setHeader('ETag', etagOf(outcome.version));
    response.setHeader('Location', `/api/v1/companies/${companyId}/external-orders/${outcome.orderId}`);
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
  async get(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HttpResponse): Promise<ExternalOrderView> {
    authorise(principal, companyId);
    const view = await this.orders.view(companyId, orderIdOf(orderId));
    response.setHeader('ETag', etagOf(view.version));
    return view;
  }

  @Post(':orderId/accept')
  @conditional()
  @ApiOperation({ summary: 'Accept an AWAITING order: the POS order is created, empty until its contents are confirmed' })
  @ApiConflictResponse({ description: 'ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT, IDEMPOTENCY_KEY_REUSED' })
  accept(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return this.run('AcceptExternalOrder', { companyId, orderId }, body, command, response);
  }

  @Post(':orderId/reject')
  @conditional()
  @ApiOperation({ summary: 'Reject an AWAITING order with a reason: it becomes DELETED' })
  @ApiConflictResponse({ description: 'ORDER_ALREADY_DECIDED, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  reject(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: RejectOrderRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return this.run('RejectExternalOrder', { companyId, orderId, reasonCode: body.reasonCode }, body, command, response);
  }

  @Post(':orderId/confirm-contents')
  @conditional()
  @ApiOperation({ summary: 'Confirm (or later edit) what the POS order holds; the items may differ from those received' })
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  confirmContents(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: ConfirmContentsRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    const items = body.items.map((item) => ({ ...(item.sku !== undefined ? { sku: item.sku } : {}), name: item.name, quantity: item.quantity, priceMinor: item.priceMinor }));
    return this.run('ConfirmOrderContents', { companyId, orderId, items }, body, command, response);
  }

  @Post(':orderId/dispatch')
  @conditional()
  @ApiOperation({ summary: 'Send the order on its way (ON_WAY «В пути»); only after its contents were confirmed' })
  @ApiConflictResponse({ description: 'CONTENTS_NOT_CONFIRMED, INVALID_STATE_TRANSITION, CONCURRENCY_CONFLICT' })
  dispatch(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return this.run('DispatchOrder', { companyId, orderId }, body, command, response);
  }

  @Post(':orderId/archive')
  @conditional()
  @ApiOperation({ summary: 'Archive an accepted order («Архив»)' })
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  archive(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @Body() body: OrderCommandRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return this.run('ArchiveOrder', { companyId, orderId }, body, command, response);
  }

  private async run<T extends OperatorCommand['type']>(type: T, data: OperatorData<T>, body: OrderCommandRequestDto,
    command: CommandContext, response: HttpResponse): Promise<OrderOutcome> {
    authorise(command.principal, data.companyId);
    // Validation (422) before state (409): the id and the body's version are checked before anything is read; the
    // headers were checked by @CommandContext before the handler ran.
    const target = { ...data, orderId: orderIdOf(data.orderId) } as OperatorData<T>;
    const expectedVersion = agreedExpectedVersion(command.expectedVersion, body.expectedVersion, 'expectedVersion');
    const context = { ...contextOf(command), expectedVersion, idempotencyKey: command.idempotencyKey };
    const outcome = await this.commands.execute(type, target, context);
    response.setHeader('ETag', etagOf(outcome.version));
    return outcome;
  }
}

function authorise(principal: Principal, companyId: string): void {
  if (!COMPANY_ID.test(companyId)) throw new NotFound('company', companyId);
  assertCompanyAccess(principal, companyId);
}

/** Order ids are UUIDs; anything else names no order. */
function orderIdOf(orderId: string): string {
  if (!UUID_PATTERN.test(orderId)) throw new NotFound('order', orderId);
  return orderId.toLowerCase();
}

function contextOf(command: CommandContext): OrderCommandContext {
  return { actor: command.actor, correlationId: command.correlationId, causationId: command.causationId };
}
