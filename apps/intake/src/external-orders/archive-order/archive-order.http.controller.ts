import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation } from '@nestjs/swagger';
import { CommandContext } from '@orders/service-kit';
import { ExternalOrderCommands, type OrderOutcome } from '../external-orders.commands';
import {
  CompanyId, conditional, ExternalOrdersRoutes, OrderId, runOperatorCommand, type HttpResponse,
} from '../external-orders.http';
import { OrderCommandRequestDto } from '../order-command.request.dto';

/** A finished order is put away («Архив»). */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class ArchiveOrderController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @Post(':orderId/archive')
  @conditional()
  @ApiOperation({ summary: 'Archive an accepted order («Архив»)' })
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  archive(@CompanyId() companyId: string, @OrderId() orderId: string, @Body() body: OrderCommandRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return runOperatorCommand(this.commands, 'ArchiveOrder', { companyId, orderId }, body, command, response);
  }
}
