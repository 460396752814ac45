import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation } from '@nestjs/swagger';
import { CommandContext } from '@orders/service-kit';
import { ExternalOrderCommands, type OrderOutcome } from '../external-orders.commands';
import {
  CompanyId, conditional, ExternalOrdersRoutes, OrderId, runOperatorCommand, type HttpResponse,
} from '../external-orders.http';
import { RejectOrderRequestDto } from './reject-order.request.dto';

/** An operator refuses an AWAITING order with a reason («Удален»). */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class RejectOrderController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @Post(':orderId/reject')
  @conditional()
  @ApiOperation({ summary: 'Reject an AWAITING order with a reason: it becomes DELETED' })
  @ApiConflictResponse({ description: 'ORDER_ALREADY_DECIDED, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  reject(@CompanyId() companyId: string, @OrderId() orderId: string, @Body() body: RejectOrderRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    const data = { companyId, orderId, reasonCode: body.reasonCode };
    return runOperatorCommand(this.commands, 'RejectExternalOrder', data, body, command, response);
  }
}
