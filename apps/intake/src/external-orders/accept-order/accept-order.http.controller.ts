import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation } from '@nestjs/swagger';
import { CommandContext } from '@orders/service-kit';
import { ExternalOrderCommands, type OrderOutcome } from '../external-orders.commands';
import {
  CompanyId, conditional, ExternalOrdersRoutes, OrderId, runOperatorCommand, type HttpResponse,
} from '../external-orders.http';
import { OrderCommandRequestDto } from '../order-command.request.dto';

/** An operator accepts a waiting order: the POS order exists from now on («Создан»), its contents follow. */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class AcceptOrderController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @Post(':orderId/accept')
  @conditional()
  @ApiOperation({ summary: 'Accept an AWAITING order: the POS order is created, empty until its contents are confirmed' })
  @ApiConflictResponse({ description: 'ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT, IDEMPOTENCY_KEY_REUSED' })
  accept(@CompanyId() companyId: string, @OrderId() orderId: string, @Body() body: OrderCommandRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    return runOperatorCommand(this.commands, 'AcceptExternalOrder', { companyId, orderId }, body, command, response);
  }
}
