import { marketLimitsOf, type MarketMethodLimits } from '@orders/contracts';

export type LimitVerdict =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly code: 'LIMIT_EXCEEDED' | 'REQUEST_LIMIT_EXCEEDED'; readonly message: string;
      readonly retryAfterSeconds: number };

interface Counter {
  inFlight: number;
  hour: number;
  used: number;
}

/**
 * Market's limits per campaign and method, as its description says them (`x-resource-limit-config` and the global
 * 4 in flight), held in memory: the simulator is one process. Hours are clock hours, as Market counts them.
 */
export class MarketRateLimits {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly overrides: Readonly<Record<string, Partial<MarketMethodLimits>>> = {},
    private readonly now: () => number = Date.now,
  ) {}

  limitsOf(operationId: string): MarketMethodLimits {
    return { ...marketLimitsOf(operationId), ...this.overrides[operationId] };
  }

  take(operationId: string, campaignId: number): LimitVerdict {
    const limits = this.limitsOf(operationId);
    const key = `${operationId}:${campaignId}`;
    const now = this.now();
    const hour = Math.floor(now / 3_600_000);
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = { inFlight: 0, hour, used: 0 }));
    if (counter.hour !== hour) Object.assign(counter, { hour, used: 0 });
    if (limits.perHour !== undefined && counter.used >= limits.perHour)
      return {
        ok: false,
        code: 'REQUEST_LIMIT_EXCEEDED',
        message: `Hit rate limit of ${limits.perHour} requests per hour for campaignId ${campaignId}`,
        retryAfterSeconds: Math.max(1, Math.ceil(((hour + 1) * 3_600_000 - now) / 1000)),
      };
    if (counter.inFlight >= limits.parallel)
      return {
        ok: false,
        code: 'LIMIT_EXCEEDED',
        message: `Hit rate limit of ${limits.parallel} parallel requests for campaignId ${campaignId}`,
        retryAfterSeconds: 1,
      };
    counter.inFlight++;
    counter.used++;
    const held = counter;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (!released) held.inFlight--;
        released = true;
      },
    };
  }
}
