import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, Logger } from '@nestjs/common';
import { clientAddressOf } from '@orders/service-kit';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';

const sameSecret = (presented: string | null, expected: string): boolean => {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Market sends notifications without credentials and asks the shop to check where they come from (its
 * push-notifications page): a request from outside MARKET_NOTIFICATION_SOURCES is refused 403 before its body is
 * read for anything. The address is the socket's peer, or the client a trusted proxy forwarded for
 * (MARKET_TRUSTED_PROXIES). With MARKET_NOTIFICATION_TOKEN set, the URL given to Market carries `?token=` too.
 */
@Injectable()
export class NotificationSourceGuard implements CanActivate {
  private readonly logger = new Logger('NotificationSource');

  constructor(@Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const address = clientAddressOf(request, this.settings.trustedProxies);
    if (!this.settings.notificationSources.contains(address)) {
      this.logger.warn(`notification refused: ${address ?? 'an unknown address'} is not one of Market's`);
      throw new ForbiddenException(
        `notifications are taken from Market's addresses only; ${address ?? 'this one'} is not one`,
      );
    }
    const token = this.settings.notificationToken;
    if (
      token !== undefined &&
      !sameSecret(new URL(request.url ?? '/', 'http://notification.invalid').searchParams.get('token'), token)
    ) {
      this.logger.warn(`notification refused from ${address}: the token is missing or wrong`);
      throw new ForbiddenException('the notification token is missing or wrong');
    }
    return true;
  }
}
