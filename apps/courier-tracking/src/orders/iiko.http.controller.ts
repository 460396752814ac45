import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, commandMetadataOf, NoStore, NotFoundAs, RequestValidationError } from '@orders/service-kit';
import { assertCompany } from '../shared/tenancy';
import { DeliveryCommands } from './delivery-commands';
import { CloseTimeDto, MarkDeliveredDto, PaymentDto } from './iiko.request.dto';
import { OrderResponse, OrdersService } from './orders.service';

type DeliveryCommand = Parameters<DeliveryCommands['handle']>[2];

const uuid = new ParseUUIDPipe({ exceptionFactory: () => new RequestValidationError([{ code: 'INVALID_VALUE', field: 'order_id', message: 'order_id must be a UUID' }]) });
const iso = (value: string): string => new Date(value).toISOString();

/**
 * iiko / Syrve delivery editing (seeds 000/001): delivered with its actual time, undo, close time (null reopens) and
 * payment. Each answers the order as it is afterwards.
 */
@ApiTags('iiko delivery operations')
// Each answer is the order with its recipient's personal data.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id/orders/:order_id')
export class IikoController {
  constructor(private readonly commands: DeliveryCommands, private readonly orders: OrdersService) {}

  private async run(context: CommandContext, companyId: string, id: string, command: Omit<DeliveryCommand, 'metadata'>): Promise<OrderResponse> {
    assertCompany(context.principal, companyId);
    await this.commands.active(id, companyId);
    const metadata = commandMetadataOf(context);
    await this.commands.handle(companyId, id, { ...command, metadata } as DeliveryCommand, { expectedVersion: context.expectedVersion });
    return this.orders.respond(id, companyId);
  }

  @Post('delivered')
  @HttpCode(200)
  markDelivered(@Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Body() body: MarkDeliveredDto, @CommandContext() context: CommandContext): Promise<OrderResponse> {
    return this.run(context, companyId, id, { type: 'MarkDelivered', data: { actual_delivered_at: iso(body.actual_delivered_at), initiator: 'user_api' } });
  }

  @Post('undo-delivered')
  @HttpCode(200)
  undoDelivered(@Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @CommandContext() context: CommandContext): Promise<OrderResponse> {
    return this.run(context, companyId, id, { type: 'UndoDelivered', data: { initiator: 'user_api' } });
  }

  @Post('close-time')
  @HttpCode(200)
  setCloseTime(@Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Body() body: CloseTimeDto, @CommandContext() context: CommandContext): Promise<OrderResponse> {
    const closeTime = body.close_time === null ? null : iso(body.close_time);
    return this.run(context, companyId, id, { type: 'SetDeliveryCloseTime', data: { close_time: closeTime } });
  }

  @Post('payment')
  @HttpCode(200)
  recordPayment(@Param('company_id') companyId: string, @Param('order_id', uuid) id: string,
    @Body() body: PaymentDto, @CommandContext() context: CommandContext): Promise<OrderResponse> {
    const data = { payment_type: body.payment_type, amount: body.amount ?? null, paid_at: iso(body.paid_at ?? context.now.toISOString()) };
    return this.run(context, companyId, id, { type: 'RecordDeliveryPayment', data });
  }
}
