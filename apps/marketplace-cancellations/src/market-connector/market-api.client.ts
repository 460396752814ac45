import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@orders/service-kit';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import type { MarketCampaign } from './market-campaigns';

/** Market's answer to one call: its status, its JSON body, and `Retry-After` in seconds when it sent one. */
export interface MarketAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfterSeconds?: number;
}

/** `Retry-After` as seconds: Market sends a number; an HTTP date is accepted too. */
export function retryAfterSeconds(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Market's Partner API as the connector calls it (MARKET_API_URL: Market itself, or the simulator): the shop's
 * Api-Key of the campaign, JSON both ways, a timeout. Network failures and timeouts throw; statuses are returned.
 */
@Injectable()
export class MarketApiClient {
  constructor(
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
    private readonly clock: Clock,
  ) {}

  acceptOrderCancellation(campaign: MarketCampaign, orderId: string, body: unknown): Promise<MarketAnswer> {
    return this.call(campaign, 'PUT', `/v2/campaigns/${campaign.campaignId}/orders/${orderId}/cancellation/accept`, body);
  }

  getOrder(campaign: MarketCampaign, orderId: string): Promise<MarketAnswer> {
    return this.call(campaign, 'GET', `/v2/campaigns/${campaign.campaignId}/orders/${orderId}`);
  }

  /** The orders whose buyer waits for the shop's answer, one page (`pageToken` from the previous one). */
  waitingForCancellationApprove(campaign: MarketCampaign, pageToken?: string): Promise<MarketAnswer> {
    const query = new URLSearchParams({ onlyWaitingForCancellationApprove: 'true', limit: '50' });
    if (pageToken) query.set('pageToken', pageToken);
    return this.call(campaign, 'GET', `/v2/campaigns/${campaign.campaignId}/orders?${query.toString()}`);
  }

  private async call(campaign: MarketCampaign, method: string, path: string, body?: unknown): Promise<MarketAnswer> {
    const response = await fetch(`${this.settings.marketApiUrl}${path}`, {
      method,
      headers: {
        'Api-Key': campaign.apiKey,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.settings.marketCallTimeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (a proxy's error page): kept as text for the row's last_error
    }
    return { status: response.status, body: parsed,
      retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after'), this.clock.now()) };
  }
}
