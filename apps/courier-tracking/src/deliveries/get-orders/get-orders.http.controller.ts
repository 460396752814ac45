import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Documented, NoStore, NotFoundAs, Principal } from '@orders/service-kit';
import { CompanyId, OrderId } from '../../shared/path-ids';
import type { ServerResponse as Response } from 'node:http';
import { assertCompany } from '../../shared/tenancy';
import { withEtag } from '../order-http';
import { OrderIds } from '../order-ids';
import { OrderResponse, OrderResponses } from '../order-responses';
import { ListOrdersQuery } from './list-orders.query';
import { ListOrders } from './list-orders';
import { OrderResponseDto } from '../order.response.dto';

/** Track & Trace reads (S-YC): `GET /api/v1/companies/{company_id}/orders[/{order_id}]`. */
@ApiTags('orders')
// Orders carry the recipient's name, phone and address: no cache may keep a copy of any answer.
@NoStore()
@NotFoundAs('delivery', 'order_id')
@Controller('api/v1/companies/:company_id')
export class GetOrdersController {
  constructor(
    private readonly orders: ListOrders, private readonly responses: OrderResponses, private readonly ids: OrderIds,
  ) {}

  @Get('orders')
  @Documented({ summary: "The company's orders (Track & Trace list), filtered by the query", type: [OrderResponseDto] })
  async list(@CurrentPrincipal() principal: Principal, @CompanyId() companyId: string,
    @Query() query: ListOrdersQuery): Promise<OrderResponse[]> {
    assertCompany(principal, companyId);
    return this.orders.list(companyId, query);
  }

  @Get('orders/:order_id')
  @Documented({ summary: 'One order, by its Track & Trace integer id or our UUID', type: OrderResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @CompanyId() companyId: string, @OrderId() id: string,
    @Res({ passthrough: true }) res: Response): Promise<OrderResponse> {
    assertCompany(principal, companyId);
    return withEtag(res, await this.responses.respond(await this.ids.resolve(companyId, id), companyId));
  }
}
