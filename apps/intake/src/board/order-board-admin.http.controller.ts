import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@orders/service-kit';
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
  @ApiOperation({ summary: 'Empty the order board and replay the event log into it (operate scope)' })
  async rebuild(): Promise<{ status: 'OK' }> {
    await this.projection.rebuild();
    return { status: 'OK' };
  }
}
