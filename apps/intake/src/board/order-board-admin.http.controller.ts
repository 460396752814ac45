import { Controller, ForbiddenException, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CommandContext, Documented, RequireScope } from '@orders/service-kit';
import { BoardProjection } from './board.projection';

@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('api/v1/admin/order-board')
export class OrderBoardAdminController {
  constructor(private readonly projection: BoardProjection) {}

  @Post('rebuild')
  @HttpCode(202)
  @RequireScope('operate')
  @Documented({
    summary: 'Empty the order board and replay the event log into it (operate scope, every company)', status: 202,
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['OK'] } } },
    example: { status: 'OK' },
  })
  async rebuild(@CommandContext() command: CommandContext): Promise<{ status: 'OK' }> {
    // The board holds every company's orders: only a key for all of them may rebuild it.
    if (command.principal.tenants !== '*') {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: 'rebuilding the board needs a key for every company' });
    }
    await this.projection.rebuild();
    return { status: 'OK' };
  }
}
