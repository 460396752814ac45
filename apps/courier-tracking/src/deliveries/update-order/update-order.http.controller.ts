import { Body, Controller, Patch, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Initiator } from '@orders/delivery-domain';
import { CommandContext, Documented, NoStore, NotFoundAs } from '@orders/service-kit';
import { CompanyId, OrderId } from '../../shared/path-ids';
import type { ServerResponse as Response } from 'node:http';
import { assertCompany } from '../../shared/tenancy';
import { withEtag } from '../order-http';
import { OrderIds } from '../order-ids';
import type { OrderResponse } from '../order-responses';
import { PatchOrderDto } from './update-order.request.dto';
import { UpdateOrder } from './update-order';
import { OrderResponseDto } from '../order.response.dto';

/** Track & Trace partial update (S-YC): `PATCH /api/v1/companies/{company_id}/orders/{order_id}`. */
@ApiTags('orders')
// Orders carry the recipient's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id')
export class UpdateOrderController {
  constructor(private readonly orders: UpdateOrder, private readonly ids: OrderIds) {}

  @Patch('orders/:order_id')
  @Documented({ summary: 'Change some fields of an order (status, interval, address, ...)', type: OrderResponseDto })
  async patch(@CompanyId() companyId: string, @OrderId() id: string, @Body() body: PatchOrderDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) res: Response): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    const { initiator, status_comment: comment, ...fields } = body;
    const extra = { initiator: initiator as Initiator | undefined, comment };
    const deliveryId = await this.ids.resolve(companyId, id);
    const updated = await this.orders.patch(companyId, deliveryId, fields as Record<string, unknown>, command, extra);
    return withEtag(res, updated);
  }
}
