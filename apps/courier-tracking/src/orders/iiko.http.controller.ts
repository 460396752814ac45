import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '@orders/decider-kit';
import { CurrentPrincipal, Principal, RequestValidationError } from '@orders/service-kit';
import { CommandMeta, IfMatchVersion } from '../shared/request-context';
import { assertCompany } from '../shared/tenancy';
import { DeliveryCommands, DeliveryData, contextOf } from './delivery-commands';
import { CloseTimeDto, MarkDeliveredDto, PaymentDto } from './iiko.request.dto';
import { OrderResponse, OrdersService } from './orders.service';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => new RequestValidationError([{ code: 'INVALID_VALUE', field: 'order_id', message: 'order_id must be a UUID' }]) });
const iso = (value: string): string => new Date(value).toISOString();

type IikoCommand = 'MarkDelivered' | 'UndoDelivered' | 'SetDeliveryCloseTime' | 'RecordDeliveryPayment';

/**
 * iiko / Syrve delivery editing (seeds 000/001): delivered with its actual time, undo, close time (null reopens) and
 * payment. Each answers the order as it is afterwards.
 */
@ApiTags('iiko delivery operations')
@Controller('api/v1/companies/:company_id/orders/:order_id')
export class IikoController {
  constructor(private readonly commands: DeliveryCommands, private readonly orders: OrdersService) {}

  private async run<T extends IikoCommand>(principal: Principal, companyId: string, id: string, type: T, data: DeliveryData<T>,
    meta: CommandMetadata, expectedVersion: number | undefined): Promise<OrderResponse> {
    assertCompany(principal, companyId);
    await this.commands.active(id, companyId);
    await this.commands.execute({ companyId, deliveryId: id }, type, data, contextOf(meta, expectedVersion));
    return this.orders.respond(id, companyId);
  }

  @Post('delivered')
  @HttpCode(200)
  markDelivered(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Body() body: MarkDeliveredDto, @CommandMeta() meta: CommandMetadata, @IfMatchVersion() expected?: number): Promise<OrderResponse> {
    const data = { actual_delivered_at: iso(body.actual_delivered_at), initiator: 'user_api' as const };
    return this.run(principal, companyId, id, 'MarkDelivered', data, meta, expected);
  }

  @Post('undo-delivered')
  @HttpCode(200)
  undoDelivered(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @CommandMeta() meta: CommandMetadata, @IfMatchVersion() expected?: number): Promise<OrderResponse> {
    return this.run(principal, companyId, id, 'UndoDelivered', { initiator: 'user_api' }, meta, expected);
  }

  @Post('close-time')
  @HttpCode(200)
  setCloseTime(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Body() body: CloseTimeDto, @CommandMeta() meta: CommandMetadata, @IfMatchVersion() expected?: number): Promise<OrderResponse> {
    const closeTime = body.close_time === null ? null : iso(body.close_time);
    return this.run(principal, companyId, id, 'SetDeliveryCloseTime', { close_time: closeTime }, meta, expected);
  }

  @Post('payment')
  @HttpCode(200)
  recordPayment(@CurrentPrincipal() principal: Principal, @Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Body() body: PaymentDto, @CommandMeta() meta: CommandMetadata, @IfMatchVersion() expected?: number): Promise<OrderResponse> {
    const data = { payment_type: body.payment_type, amount: body.amount ?? null, paid_at: iso(body.paid_at ?? meta.now) };
    return this.run(principal, companyId, id, 'RecordDeliveryPayment', data, meta, expected);
  }
}
