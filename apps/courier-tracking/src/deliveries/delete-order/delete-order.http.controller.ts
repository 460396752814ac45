import { Controller, Delete } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, Documented, NoStore, NotFoundAs } from '@orders/service-kit';
import { CompanyId, OrderId } from '../../shared/path-ids';
import { assertCompany } from '../../shared/tenancy';
import { OrderIds } from '../order-ids';
import type { OrderResponse } from '../order-responses';
import { DeleteOrder } from './delete-order';
import { OrderResponseDto } from '../order.response.dto';

/** Track & Trace delete with erasure: `DELETE /api/v1/companies/{company_id}/orders/{order_id}`. */
@ApiTags('orders')
// Orders carry the recipient's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id')
export class DeleteOrderController {
  constructor(private readonly orders: DeleteOrder, private readonly ids: OrderIds) {}

  /** 200 with the order as it was, personal data included (S-YC); afterwards the order answers 404. */
  @Delete('orders/:order_id')
  @Documented({
    summary: 'Delete an order and erase its personal data; answers the order as it was', type: OrderResponseDto,
  })
  async remove(@CompanyId() companyId: string, @OrderId() id: string,
    @CommandContext() command: CommandContext): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    return this.orders.delete(companyId, await this.ids.resolve(companyId, id), command);
  }
}
