import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { marketOpenApi } from '@orders/contracts';
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

// Market's own schemas (components from its vendored reference, ServiceKitOptions.openApiSchemas) and examples.
const market = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const { requestExamples, responseExamples } = marketOpenApi().notifications;

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
  @ApiQuery({
    name: 'token', required: false, schema: { type: 'string' },
    description: 'the shared secret, when MARKET_NOTIFICATION_TOKEN is set',
  })
  @ApiBody({ schema: market('SendNotificationRequest'), examples: { ping: { value: requestExamples[0] } } })
  @ApiOkResponse({ schema: market('SendNotificationResponse'), example: responseExamples[0] })
  @ApiResponse({
    status: 400,
    description: 'WRONG_EVENT_FORMAT (the body does not fit the reference) or DUPLICATED_EVENT',
    schema: market('NotificationApiErrorResponse'),
  })
  @ApiResponse({
    status: 403,
    description: 'the request came from outside MARKET_NOTIFICATION_SOURCES, or without the token',
    schema: market('NotificationApiErrorResponse'),
  })
  @ApiResponse({
    status: 500, description: 'our failure; Market sends the notification again',
    schema: market('NotificationApiErrorResponse'),
  })
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
