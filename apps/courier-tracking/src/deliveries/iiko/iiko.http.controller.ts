import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, Documented, NoStore, NotFoundAs } from '@orders/service-kit';
import { CompanyId, OrderId } from '../../shared/path-ids';
import { assertCompany } from '../../shared/tenancy';
import { DeliveryCommands, DeliveryData } from '../delivery-commands';
import { OrderIds } from '../order-ids';
import { OrderResponse, OrderResponses } from '../order-responses';
import { CloseTimeDto, MarkDeliveredDto, PaymentDto } from './iiko.request.dto';
import { OrderResponseDto } from '../order.response.dto';

const iso = (value: string): string => new Date(value).toISOString();

type IikoCommand = 'MarkDelivered' | 'UndoDelivered' | 'SetDeliveryCloseTime' | 'RecordDeliveryPayment';

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
  constructor(
    private readonly commands: DeliveryCommands,
    private readonly responses: OrderResponses,
    private readonly ids: OrderIds,
  ) {}

  private async run<T extends IikoCommand>(command: CommandContext, companyId: string, orderId: string, type: T,
    data: DeliveryData<T>): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    const id = await this.ids.resolve(companyId, orderId);
    await this.commands.active(id, companyId);
    await this.commands.execute({ companyId, deliveryId: id }, type, data, command);
    return this.responses.respond(id, companyId);
  }

  @Post('delivered')
  @Documented({ summary: 'iiko SetDeliveryDelivered with the actual deliver time', type: OrderResponseDto })
  @HttpCode(200)
  markDelivered(@CompanyId() companyId: string, @OrderId() id: string,
    @Body() body: MarkDeliveredDto, @CommandContext() command: CommandContext): Promise<OrderResponse> {
    const data = { actual_delivered_at: iso(body.actual_delivered_at), initiator: 'user_api' as const };
    return this.run(command, companyId, id, 'MarkDelivered', data);
  }

  @Post('undo-delivered')
  @Documented({ summary: 'iiko SetDeliveryUndelivered: back to confirmed', type: OrderResponseDto })
  @HttpCode(200)
  undoDelivered(@CompanyId() companyId: string, @OrderId() id: string,
    @CommandContext() command: CommandContext): Promise<OrderResponse> {
    return this.run(command, companyId, id, 'UndoDelivered', { initiator: 'user_api' });
  }

  @Post('close-time')
  @Documented({
    summary: 'iiko SetDeliveryCloseTime: a time closes a paid delivered order, null reopens it',
    type: OrderResponseDto,
  })
  @HttpCode(200)
  setCloseTime(@CompanyId() companyId: string, @OrderId() id: string,
    @Body() body: CloseTimeDto, @CommandContext() command: CommandContext): Promise<OrderResponse> {
    const closeTime = body.close_time === null ? null : iso(body.close_time);
    return this.run(command, companyId, id, 'SetDeliveryCloseTime', { close_time: closeTime });
  }

  @Post('payment')
  @Documented({ summary: 'iiko PayOrder: record the payment', type: OrderResponseDto })
  @HttpCode(200)
  recordPayment(@CompanyId() companyId: string, @OrderId() id: string,
    @Body() body: PaymentDto, @CommandContext() command: CommandContext): Promise<OrderResponse> {
    const paidAt = iso(body.paid_at ?? command.now.toISOString());
    const data = { payment_type: body.payment_type, amount: body.amount ?? null, paid_at: paidAt };
    return this.run(command, companyId, id, 'RecordDeliveryPayment', data);
  }
}
