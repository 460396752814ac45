import { Body, Controller, Post, Res } from '@nestjs/common';
import {
  ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CommandContext, etagOf } from '@orders/service-kit';
import { ExternalOrderCommands, type OrderOutcome } from '../external-orders.commands';
import { authorise, CompanyId, contextOf, ExternalOrdersRoutes, type HttpResponse } from '../external-orders.http';
import { OrderOutcomeResponseDto } from '../order-outcome.response.dto';
import { SubmitOrderRequestDto } from './submit-order.request.dto';

/** Carbis mini-delivery, as an API: orders arrive AWAITING, for operators to accept or reject. */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class SubmitOrderController {
  constructor(private readonly commands: ExternalOrderCommands) {}

  @Post()
  @ApiOperation({
    summary: 'Submit an external order',
    description:
      'Idempotent by (source, externalId): the same payload answers 200 with the same order; another payload 409 DUPLICATE_EXTERNAL_ID.',
  })
  @ApiCreatedResponse({
    type: OrderOutcomeResponseDto, description: 'A new order, AWAITING («Ожидает»)',
    headers: {
      Location: {
        description: 'The order: /api/v1/companies/{companyId}/external-orders/{orderId}', schema: { type: 'string' },
      },
      ETag: { description: 'The order version ("1")', schema: { type: 'string' } },
    },
  })
  @ApiOkResponse({ type: OrderOutcomeResponseDto, description: 'Received before: the same order (nothing appended)' })
  @ApiConflictResponse({ description: 'DUPLICATE_EXTERNAL_ID' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED with per-field codes' })
  async submit(@CompanyId() companyId: string, @Body() body: SubmitOrderRequestDto,
    @CommandContext() command: CommandContext,
    @Res({ passthrough: true }) response: HttpResponse): Promise<OrderOutcome> {
    authorise(command.principal, companyId);
    // A missing licence (LicenseRequired) answers 403 through the kit's error filter.
    const outcome = await this.commands.submit(companyId, body, contextOf(command));
    response.status(outcome.created ? 201 : 200).setHeader('ETag', etagOf(outcome.version));
    response.setHeader('Location', `/api/v1/companies/${companyId}/external-orders/${outcome.orderId}`);
    return { orderId: outcome.orderId, status: outcome.status, version: outcome.version };
  }
}
