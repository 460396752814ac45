import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import {
  CommandContext, CurrentPrincipal, etagOf, fieldErrors, NoStore, NotFoundAs, Principal, RequestValidationError,
} from '@orders/service-kit';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ServerResponse as Response } from 'node:http';
import { assertCompany } from '../shared/tenancy';
import { contextOf } from './delivery-commands';
import { CreateOrderDto, ListOrdersQuery, MAX_BATCH_ORDERS, PatchOrderDto } from './order.request.dto';
import { OrderResponse, OrdersService } from './orders.service';
import type { Initiator } from '@orders/delivery-domain';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => new RequestValidationError([{ code: 'INVALID_VALUE', field: 'order_id', message: 'order_id must be a UUID' }]) });

function withEtag(res: Response, order: OrderResponse): OrderResponse {
  res.setHeader('ETag', etagOf(Number(order.version)));
  return order;
}

/** Track & Trace orders (S-YC, D-YC-*): `/api/v1/companies/{company_id}/orders[/{order_id}]` and `orders-batch`. */
@ApiTags('orders')
// Orders carry the recipient's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post('orders')
  async create(@Param('company_id') companyId: string, @Body() body: CreateOrderDto, @CommandContext() command: CommandContext,
    @Res({ passthrough: true }) res: Response): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    const created = await this.orders.create(companyId, body as unknown as Record<string, unknown>, contextOf(command));
    return withEtag(res, created);
  }

  @Get('orders')
  async list(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Query() query: ListOrdersQuery): Promise<OrderResponse[]> {
    assertCompany(principal, companyId);
    return this.orders.list(companyId, query);
  }

  @Get('orders/:order_id')
  async get(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Res({ passthrough: true }) res: Response): Promise<OrderResponse> {
    assertCompany(principal, companyId);
    return withEtag(res, await this.orders.get(companyId, id));
  }

  @Patch('orders/:order_id')
  async patch(@Param('company_id') companyId: string, @Param('order_id', uuid) id: string, @Body() body: PatchOrderDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) res: Response): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    const { initiator, status_comment: comment, ...fields } = body;
    const extra = { initiator: initiator as Initiator | undefined, comment };
    const updated = await this.orders.patch(companyId, id, fields as Record<string, unknown>, contextOf(command), extra);
    return withEtag(res, updated);
  }

  /** 200 with the order as it was, personal data included (S-YC); afterwards the order answers 404. */
  @Delete('orders/:order_id')
  async remove(@Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @CommandContext() command: CommandContext): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    return this.orders.delete(companyId, id, contextOf(command));
  }

  /** Upsert by number; the body is a JSON array of orders, as Track & Trace takes it. */
  @Post('orders-batch')
  @HttpCode(200)
  @ApiBody({ type: [CreateOrderDto] })
  async batch(@Param('company_id') companyId: string, @Body() body: unknown,
    @CommandContext() command: CommandContext): Promise<{ inserted: number; updated: number }> {
    assertCompany(command.principal, companyId);
    return this.orders.batch(companyId, validBatch(body), contextOf(command));
  }
}

/** The batch body is an array, which the global pipe does not validate: each item is checked as a create body. */
function validBatch(body: unknown): Record<string, unknown>[] {
  if (!Array.isArray(body)) throw new RequestValidationError([{ code: 'INVALID_TYPE', field: 'body', message: 'the body must be a JSON array of orders' }]);
  if (body.length > MAX_BATCH_ORDERS) throw new RequestValidationError([{ code: 'FIELD_TOO_LONG', field: 'body', message: `at most ${MAX_BATCH_ORDERS} orders per batch` }]);
  const errors = body.flatMap((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return [{ code: 'INVALID_TYPE', field: `[${index}]`, message: 'each order must be an object' }];
    const found = validateSync(plainToInstance(CreateOrderDto, item), { whitelist: true, forbidNonWhitelisted: true });
    return fieldErrors(found).map((error) => ({ ...error, field: `[${index}].${error.field}` }));
  });
  if (errors.length > 0) throw new RequestValidationError(errors);
  return body as Record<string, unknown>[];
}
