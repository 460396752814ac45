import { Controller, Get, Res } from '@nestjs/common';
import { CurrentPrincipal, Documented, etagOf, type Principal } from '@orders/service-kit';
import { authorise, CompanyId, ExternalOrdersRoutes, OrderId, type HttpResponse } from '../external-orders.http';
import { ExternalOrdersService } from '../external-orders.service';
import type { ExternalOrderView } from '../order-view';
import { ExternalOrderViewDto } from '../order-view.response.dto';

/** The seed's order window: an operator opens one order, read from its stream (read-your-writes, unlike the board). */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class GetOrderController {
  constructor(private readonly orders: ExternalOrdersService) {}

  @Get(':orderId')
  @Documented({ summary: 'One order with its guest data, contents and history', type: ExternalOrderViewDto })
  async get(@CompanyId() companyId: string, @OrderId() orderId: string, @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HttpResponse): Promise<ExternalOrderView> {
    authorise(principal, companyId);
    const view = await this.orders.view(companyId, orderId);
    response.setHeader('ETag', etagOf(view.version));
    return view;
  }
}
