import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, etagOf, type Principal } from '@orders/service-kit';
import { authorise, ExternalOrdersRoutes, orderIdOf, type HttpResponse } from '../external-orders.http';
import { ExternalOrdersService } from '../external-orders.service';
import type { ExternalOrderView } from '../order-view';

/** The seed's order window: an operator opens one order, read from its stream (read-your-writes, unlike the board). */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class GetOrderController {
  constructor(private readonly orders: ExternalOrdersService) {}

  @Get(':orderId')
  @ApiOperation({ summary: 'One order with its guest data, contents and history' })
  async get(@Param('companyId') companyId: string, @Param('orderId') orderId: string, @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HttpResponse): Promise<ExternalOrderView> {
    authorise(principal, companyId);
    const view = await this.orders.view(companyId, orderIdOf(orderId));
    response.setHeader('ETag', etagOf(view.version));
    return view;
  }
}
