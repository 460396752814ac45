import { Controller, Headers, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, LimitedStream, withHeartbeat, type Principal } from '@orders/service-kit';
import { filter, map, type Observable } from 'rxjs';
import { assertCompanyAccess } from '../external-orders/company-access';
import { CompanyId } from '../external-orders/external-orders.http';
import { BoardNotifications } from './board-notifications';
import { boardMessage, resumeAfter, resumedStream } from './board-stream';

/**
 * The seed's notifier (HoverButton): operators hear of new orders and status changes without polling. Server-sent
 * events, one company per stream; `order.received` for a new AWAITING order, `order.status_changed` for the rest.
 */
@ApiTags('external orders')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('api/v1/companies/:companyId/external-order-events')
export class OrderBoardEventsController {
  constructor(private readonly notifications: BoardNotifications) {}

  @Sse()
  // Each stream holds a socket for as long as the client stays: a few per key, and closed after long silence.
  @LimitedStream()
  @ApiOperation({ summary: 'Server-sent events: new AWAITING orders and status changes of this company\'s orders' })
  @ApiOkResponse({
    description:
      "id: the change's number; data: {orderId, number, status, version, eventType, at}; a `ping` every 15 s; "
      + 'closed after 30 min without an event. A reconnect with `Last-Event-ID` first replays the changes after '
      + 'that number; when they are no longer kept (INTAKE_BOARD_CHANGES_RETENTION_HOURS) or more than 1000 are '
      + 'missing, a `board.resync` event (id: the newest change, data: {reason: pruned|too-many, message}) comes '
      + 'instead: reload the list.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: order.received\nid: 42\n'
          + 'data: {"orderId":"0190f5d2-0000-7000-8000-000000000001","number":"A-1024","status":"AWAITING",'
          + '"version":1,"eventType":"ExternalOrderReceived","at":"2026-11-23T10:00:00.000Z"}\n\n',
      },
    },
  })
  @ApiResponse({ status: 429, description: 'LIMIT_EXCEEDED: this key already holds the most open streams (5), with Retry-After' })
  stream(
    @CompanyId() companyId: string, @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<MessageEvent> {
    assertCompanyAccess(principal, companyId);
    const live = this.notifications.changes.pipe(filter((notice) => notice.companyId === companyId));
    const changes = resumedStream(live, resumeAfter(lastEventId), (after) => this.notifications.since(companyId, after))
      .pipe(map(boardMessage));
    return withHeartbeat(changes);
  }
}
