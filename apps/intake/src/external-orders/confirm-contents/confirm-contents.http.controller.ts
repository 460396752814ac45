import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation } from '@nestjs/swagger';
import { CommandContext } from '@orders/service-kit';
import { ExternalOrderCommands, type OrderOutcome } from '../external-orders.commands';
import {
  CompanyId, conditional, ExternalOrdersRoutes, OrderId, runOperatorCommand, type HttpResponse,
} from '../external-orders.http';
import { ConfirmContentsRequestDto } from './confirm-contents.request.dto';

/** The POS order is filled: what it holds now, which may differ from what the guest ordered («Принят»). */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class ConfirmContentsController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @Post(':orderId/confirm-contents')
  @conditional()
  @ApiOperation({ summary: 'Confirm (or later edit) what the POS order holds; the items may differ from those received' })
  @ApiConflictResponse({ description: 'INVALID_STATE_TRANSITION, ORDER_IN_TERMINAL_STATE, CONCURRENCY_CONFLICT' })
  confirmContents(@CompanyId() companyId: string, @OrderId() orderId: string, @Body() body: ConfirmContentsRequestDto,
    @CommandContext() command: CommandContext, @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    const items = body.items.map((item) => ({
      ...(item.sku !== undefined ? { sku: item.sku } : {}), name: item.name, quantity: item.quantity, priceMinor: item.priceMinor,
    }));
    return runOperatorCommand(this.commands, 'ConfirmOrderContents', { companyId, orderId, items }, body, command, response);
  }
}
