import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Documented, type Principal } from '@orders/service-kit';
import { authorise, CompanyId, ExternalOrdersRoutes } from '../external-orders/external-orders.http';
import { BoardPageDto } from './board-page.response.dto';
import { BoardQueryDto } from './board-query.dto';
import { OrderBoardService, type BoardPage } from './order-board.service';

/** The seed's order list (Все, Ожидает, Создан, ...): lines from the board, guest data opened as they are read. */
@ExternalOrdersRoutes()
@Controller('api/v1/companies/:companyId/external-orders')
export class OrderBoardController {
  constructor(private readonly board: OrderBoardService) {}

  @Get()
  @Documented({
    summary: 'The order list, by status, with counts per status and the age of waiting orders', type: BoardPageDto,
  })
  async list(@CompanyId() companyId: string, @Query() query: BoardQueryDto,
    @CurrentPrincipal() principal: Principal): Promise<BoardPage> {
    authorise(principal, companyId);
    return this.board.page(companyId, query.status ?? 'ALL', query.page ?? 1, query.pageSize ?? 50);
  }
}
