import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Clock, Public } from '@orders/service-kit';
import { DuplicatedNotification } from './market-notification.errors';
import { notificationKey, parseNotification } from './market-notification';
import { NotificationInbox } from './notification-inbox';
import { NotificationSourceGuard } from './notification-source.guard';
import { NotificationWorker } from './notification-worker';

/** The integration's name and version in every 200 (Market shows them; both required by its reference). */
export const INTEGRATION = { name: 'marketplace-cancellations', version: '1.0.0' } as const;

interface NotificationAnswer {
  version: string;
  name: string;
  time: string;
}

const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { type: { type: 'string' }, message: { type: 'string' } } } },
};

/**
 * Market's API notifications (POST notification, its sendNotification reference). No API key: Market sends none.
 * The source address (and the optional token) is checked first; an order notification is stored (deduplicated)
 * before the 200, inside Market's 10-second budget, and turned into commands by the worker right after.
 */
@ApiTags('market')
@Public()
@UseGuards(NotificationSourceGuard)
@Controller()
export class NotificationController {
  constructor(
    private readonly inbox: NotificationInbox,
    private readonly worker: NotificationWorker,
    private readonly clock: Clock,
  ) {}

  @Post('notification')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'sendNotification',
    summary: "Market's API notifications: checked against its reference, stored before the 200",
  })
  @ApiQuery({ name: 'token', required: false, description: 'the shared secret, when MARKET_NOTIFICATION_TOKEN is set' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['notificationType'],
      properties: { notificationType: { type: 'string', example: 'ORDER_CANCELLATION_REQUEST' } },
    },
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        version: { type: 'string' },
        name: { type: 'string' },
        time: { type: 'string', format: 'date-time' },
      },
    },
  })
  @ApiResponse({
    status: 400,
    description: 'WRONG_EVENT_FORMAT (the body does not fit the reference) or DUPLICATED_EVENT',
    schema: errorBody,
  })
  @ApiResponse({
    status: 403,
    description: 'the request came from outside MARKET_NOTIFICATION_SOURCES, or without the token',
    schema: errorBody,
  })
  @ApiResponse({ status: 500, description: 'our failure; Market sends the notification again', schema: errorBody })
  async receive(@Body() body: unknown): Promise<NotificationAnswer> {
    // The time processing began, as the answer's `time` means; PING answers at once.
    const time = this.clock.now().toISOString();
    const parsed = parseNotification(body);
    if (parsed.kind === 'order') {
      if (!(await this.inbox.save(parsed.notification, 'HTTP')))
        throw new DuplicatedNotification(notificationKey(parsed.notification));
      this.worker.poke();
    }
    return { ...INTEGRATION, time };
  }
}
