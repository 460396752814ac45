import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation } from '@nestjs/swagger';
import { CommandContext } from '@orders/service-kit';
import { ExternalOrderCommands, type OrderOutcome } from '../external-orders.commands';
import {
  CompanyId, conditional, ExternalOrdersRoutes, OrderId, runOperatorCommand, type HttpResponse,
} from '../external-orders.http';
import { OrderCommandRequestDto } from '../order-command.request.dto';

/** The order leaves with its courier («В пути»). */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class DispatchOrderController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @Post(':orderId/dispatch')
  @conditional()
  @ApiOperation({ summary: 'Send the order on its way (ON_WAY «В пути»); only after its contents were confirmed' })
  @ApiConflictResponse({ description: 'CONTENTS_NOT_CONFIRMED, INVALID_STATE_TRANSITION, CONCURRENCY_CONFLICT' })
  dispatch(@CompanyId() companyId: string, @OrderId() orderId: string, @Body() body: OrderCommandRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return runOperatorCommand(this.commands, 'DispatchOrder', { companyId, orderId }, body, command, response);
  }
}
