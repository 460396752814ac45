import { CallHandler, ExecutionContext, HttpException, Inject, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { type Observable, defer, lastValueFrom } from 'rxjs';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../settings';
import { MarketLimits, type Refusal } from './market-limits';

const HOURLY_RESOURCE = 'orders:market-hourly-resource';

/** Marks a route that counts against Market's hourly budget of the named method. */
export const HourlyLimited = (resource: string): MethodDecorator => SetMetadata(HOURLY_RESOURCE, resource);

/** Market answers limits with 420 "Enhance Your Calm" and a Retry-After (api-conventions.md). */
function refuse(response: ServerResponse, refusal: Refusal): HttpException {
  response.setHeader('Retry-After', String(refusal.retryAfterSeconds));
  return new HttpException({ errors: [{ code: refusal.code, message: refusal.message }] }, 420);
}

/**
 * Applies Market's per-campaign limits before the request is validated or looked up: a parallel slot for the
 * request's lifetime (released whatever the outcome), then the hourly budget where the route has one.
 */
@Injectable()
export class MarketLimitsInterceptor implements NestInterceptor {
  constructor(
    private readonly limits: MarketLimits,
    private readonly reflector: Reflector,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const campaignId = http.getRequest<{ params: Record<string, string> }>().params.campaignId;
    const response = http.getResponse<ServerResponse>();
    const resource = this.reflector.get<string | undefined>(HOURLY_RESOURCE, context.getHandler());
    return defer(async () => {
      const slot = await this.limits.acquireSlot(campaignId);
      if (!slot.ok) throw refuse(response, slot);
      try {
        const refusal = resource ? await this.limits.countHourly(campaignId, resource, this.settings.decisionsPerHour) : undefined;
        if (refusal) throw refuse(response, refusal);
        return await lastValueFrom(next.handle(), { defaultValue: undefined });
      } finally {
        // Released before the answer leaves, so a client's next request never meets its own stale slot.
        await this.limits.releaseSlot(slot.token);
      }
    });
  }
}
