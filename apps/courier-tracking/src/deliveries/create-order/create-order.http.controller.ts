import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandContext, Documented, NoStore, NotFoundAs } from '@orders/service-kit';
import { CompanyId } from '../../shared/path-ids';
import type { ServerResponse as Response } from 'node:http';
import { assertCompany } from '../../shared/tenancy';
import { withEtag } from '../order-http';
import type { OrderResponse } from '../order-responses';
import { CreateOrderDto } from './create-order.request.dto';
import { CreateOrder } from './create-order';
import { OrderResponseDto } from '../order.response.dto';

/** Track & Trace create (D-YC-CREATE): `POST /api/v1/companies/{company_id}/orders`. */
@ApiTags('orders')
// Orders carry the recipient's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id')
export class CreateOrderController {
  constructor(private readonly orders: CreateOrder) {}

  @Post('orders')
  @Documented({ summary: 'Create an order (Track & Trace)', status: 201, type: OrderResponseDto })
  async create(@CompanyId() companyId: string, @Body() body: CreateOrderDto, @CommandContext() command: CommandContext,
    @Res({ passthrough: true }) res: Response): Promise<OrderResponse> {
    assertCompany(command.principal, companyId);
    const created = await this.orders.create(companyId, body as unknown as Record<string, unknown>, command);
    return withEtag(res, created);
  }
}
