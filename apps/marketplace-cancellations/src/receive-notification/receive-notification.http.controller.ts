import { BadRequestException, Body, Controller, ForbiddenException, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Clock, CommandContext, canAccessTenant } from '@orders/service-kit';
import { InvalidNotification, parseNotification, type ParsedNotification } from './market-notification';
import { NotificationInbox } from './notification-inbox';
import { NotificationWorker } from './notification-worker';

interface NotificationAnswer {
  version: string;
  name: string;
  time: string;
}

function parse(body: unknown): ParsedNotification {
  try {
    return parseNotification(body);
  } catch (error) {
    // Market expects 400 for a notification it got wrong (D-YM-NOTIF-ERR), with the fields named.
    if (error instanceof InvalidNotification) throw new BadRequestException({ errors: error.fields });
    throw error;
  }
}

@ApiTags('market')
@ApiSecurity('api-key')
@Controller()
export class NotificationController {
  constructor(private readonly inbox: NotificationInbox, private readonly worker: NotificationWorker, private readonly clock: Clock) {}

  @Post('notification')
  @HttpCode(200)
  @ApiOperation({ summary: 'Market push notifications: stored (deduplicated) before the 200, processed right after' })
  @ApiBody({ schema: { type: 'object', required: ['notificationType'], properties: { notificationType: { type: 'string', example: 'ORDER_CANCELLATION_REQUEST' } } } })
  @ApiOkResponse({ schema: { type: 'object', properties: { version: { type: 'string' }, name: { type: 'string' }, time: { type: 'string', format: 'date-time' } } } })
  @ApiResponse({ status: 400, description: 'a malformed notification; errors name the fields' })
  @ApiResponse({ status: 403, description: 'the key may not notify for this campaign' })
  async receive(@Body() body: unknown, @CommandContext() command: CommandContext): Promise<NotificationAnswer> {
    const parsed = parse(body);
    if (parsed.kind === 'order') {
      const { notification } = parsed;
      if (!canAccessTenant(command.principal, notification.campaignId)) {
        throw new ForbiddenException({ code: 'FORBIDDEN', message: `this key may not notify for campaign ${notification.campaignId}` });
      }
      if (await this.inbox.save(notification, 'HTTP')) this.worker.poke();
    }
    // PING answers at once; types we do not act on are acknowledged so Market does not count failures.
    return { version: '1.0.0', name: 'marketplace-cancellations', time: this.clock.now().toISOString() };
  }
}
