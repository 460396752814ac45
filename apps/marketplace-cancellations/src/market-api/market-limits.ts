import { HttpException, Inject, Injectable } from '@nestjs/common';
import { isDomainError } from '@orders/decider-kit';
import { EventStore, EventStoreError } from '@orders/event-store';
import { randomUUID } from 'node:crypto';
import { Clock } from '@orders/service-kit';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import type { MarketResource } from './market-resources';
import { marketCalls } from '../marketplace-cancellations.metrics';

export type Refusal = {
  readonly code: 'LIMIT_EXCEEDED' | 'REQUEST_LIMIT_EXCEEDED';
  readonly message: string;
  readonly retryAfterSeconds: number;
};
type SlotResult = { readonly ok: true; readonly token: string } | ({ readonly ok: false } & Refusal);
/** One resource's limits of a campaign as they stand: see MarketLimits.usage. */
export interface MarketLimitUsage {
  readonly resource: string;
  readonly perHour: number | null;
  readonly usedThisHour: number;
  readonly leftThisHour: number | null;
  readonly parallel: number;
  readonly parallelInUse: number;
  readonly resetsAt: string;
}
/** A call's place within the limits, held until `release`; or why there is none now. */
export type Reservation = { readonly ok: true; release(): Promise<void> } | ({ readonly ok: false } & Refusal);

const HOUR_MS = 3_600_000;

/** Market answers limits with 420 "Enhance Your Calm"; MarketLimitsInterceptor adds the Retry-After header. */
export class MarketLimitExceeded extends HttpException {
  constructor(readonly refusal: Refusal) {
    super({ errors: [{ code: refusal.code, message: refusal.message }] }, 420);
  }
}

/**
 * Market's limits (domain.md §1.3 "Limits", and each method's `x-resource-limit-config`), kept in PostgreSQL so every
 * instance sees the same counts: at most N parallel requests per campaign and method (lease rows, so a crashed
 * instance frees its slots when they expire) and M requests per hour per campaign and method (a fixed hourly window
 * counted with one upsert).
 */
@Injectable()
export class MarketLimits {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings,
  ) {}

  /**
   * Runs `work` within the campaign's limits of `resource`: a parallel slot for its lifetime (released whatever the
   * outcome, before the answer leaves, so a client's next request never meets its own stale slot), then the hourly
   * budget where the method has one. Callers pass the campaign id as validated and normalised (`pathIds`), after
   * every other validation: `0021` and `21` share one budget, and a request refused by validation consumes nothing.
   */
  async within<T>(campaignId: string, resource: MarketResource, work: () => Promise<T>): Promise<T> {
    const call = resource.name;
    try {
      const result = await this.limited(campaignId, resource, work);
      marketCalls.inc({ call, outcome: 'ok' });
      return result;
    } catch (error) {
      marketCalls.inc({ call, outcome: callOutcome(error) });
      throw error;
    }
  }

  private async limited<T>(campaignId: string, resource: MarketResource, work: () => Promise<T>): Promise<T> {
    const reservation = await this.reserve(campaignId, resource);
    if (!reservation.ok) throw new MarketLimitExceeded(reservation);
    try {
      return await work();
    } finally {
      await reservation.release();
    }
  }

  /**
   * A parallel slot, then one of the hour's calls, of `resource` for the campaign: what a request must hold before
   * it runs. The façade's routes hold it around their work; the connector holds it around its call to Market.
   */
  async reserve(campaignId: string, resource: MarketResource): Promise<Reservation> {
    const slot = await this.acquireSlot(campaignId, resource);
    if (!slot.ok) return slot;
    const refusal = resource.perHour ? await this.countHourly(campaignId, resource.name, resource.perHour) : undefined;
    if (refusal) {
      await this.releaseSlot(slot.token);
      return { ok: false, ...refusal };
    }
    return { ok: true, release: () => this.releaseSlot(slot.token) };
  }

  /** Takes one of the campaign's parallel slots of the method; release it with the token when the request ends. */
  private async acquireSlot(campaignId: string, resource: MarketResource): Promise<SlotResult> {
    const limit = resource.parallel;
    const now = this.clock.now();
    const token = randomUUID();
    const client = await this.store.pool.connect();
    try {
      await client.query('BEGIN');
      // Serialises the count-then-insert of one campaign across instances; other campaigns are not blocked.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('market-in-flight'), hashtext($1 || ':' || $2))`, [
        campaignId,
        resource.name,
      ]);
      await client.query(
        `DELETE FROM in_flight_requests WHERE campaign_id = $1 AND resource = $2 AND expires_at <= $3`,
        [campaignId, resource.name, now],
      );
      const { rowCount } = await client.query(
        `INSERT INTO in_flight_requests (token, campaign_id, resource, expires_at)
         SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM in_flight_requests WHERE campaign_id = $2 AND resource = $3) < $5`,
        [token, campaignId, resource.name, new Date(now.getTime() + this.settings.inFlightLeaseMs), limit],
      );
      await client.query('COMMIT');
      if (rowCount === 1) return { ok: true, token };
      return {
        ok: false,
        code: 'LIMIT_EXCEEDED',
        message: `Hit rate limit of ${limit} parallel requests for campaignId ${campaignId}`,
        retryAfterSeconds: 1,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async releaseSlot(token: string): Promise<void> {
    await this.store.pool.query(`DELETE FROM in_flight_requests WHERE token = $1`, [token]);
  }

  /**
   * What is left of each resource's limits for the campaign now: the hour's calls used and left, the parallel slots
   * held (leases not yet expired), and when the hourly window resets. Read only: it reserves nothing.
   */
  async usage(campaignId: string, resources: readonly MarketResource[]): Promise<MarketLimitUsage[]> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - (now.getTime() % HOUR_MS));
    const names = resources.map((r) => r.name);
    const [hourly, inFlight] = await Promise.all([
      this.store.pool.query<{ resource: string; used: number }>(
        `SELECT resource, used FROM rate_limit_windows
         WHERE campaign_id = $1 AND window_start = $2 AND resource = ANY($3)`,
        [campaignId, windowStart, names],
      ),
      this.store.pool.query<{ resource: string; held: number }>(
        `SELECT resource, count(*)::int AS held FROM in_flight_requests
         WHERE campaign_id = $1 AND expires_at > $2 AND resource = ANY($3) GROUP BY resource`,
        [campaignId, now, names],
      ),
    ]);
    const used = new Map(hourly.rows.map((r) => [r.resource, r.used]));
    const held = new Map(inFlight.rows.map((r) => [r.resource, r.held]));
    return resources.map((resource) => {
      const spent = used.get(resource.name) ?? 0;
      return {
        resource: resource.name,
        perHour: resource.perHour ?? null,
        usedThisHour: spent,
        leftThisHour: resource.perHour === undefined ? null : Math.max(0, resource.perHour - spent),
        parallel: resource.parallel,
        parallelInUse: held.get(resource.name) ?? 0,
        resetsAt: new Date(windowStart.getTime() + HOUR_MS).toISOString(),
      };
    });
  }

  /** Counts one call of `resource` in the current hour; refused once the hour's budget is spent. */
  private async countHourly(campaignId: string, resource: string, perHour: number): Promise<Refusal | undefined> {
    const now = this.clock.now().getTime();
    const windowStart = new Date(now - (now % HOUR_MS));
    const { rows } = await this.store.pool.query<{ used: number }>(
      `INSERT INTO rate_limit_windows (campaign_id, resource, window_start, used) VALUES ($1, $2, $3, 1)
       ON CONFLICT (campaign_id, resource, window_start) DO UPDATE SET used = rate_limit_windows.used + 1
       WHERE rate_limit_windows.used < $4 RETURNING used`,
      [campaignId, resource, windowStart, perHour],
    );
    if (rows[0]?.used === 1) {
      // A new window: yesterday's counters are of no use any more.
      await this.store.pool.query(`DELETE FROM rate_limit_windows WHERE campaign_id = $1 AND window_start < $2`, [
        campaignId,
        new Date(windowStart.getTime() - HOUR_MS),
      ]);
    }
    if (rows.length === 1) return undefined;
    return {
      code: 'REQUEST_LIMIT_EXCEEDED',
      message: `Hit rate limit of ${perHour} requests per hour for ${resource} of campaignId ${campaignId}`,
      retryAfterSeconds: Math.max(1, Math.ceil((windowStart.getTime() + HOUR_MS - now) / 1000)),
    };
  }
}

/** `limited` (420, a campaign's limit), `refused` (a 4xx: a rule, a conflict, an unknown order), else `failed`. */
function callOutcome(error: unknown): 'limited' | 'refused' | 'failed' {
  if (error instanceof MarketLimitExceeded) return 'limited';
  if (isDomainError(error) || error instanceof EventStoreError) return 'refused';
  return error instanceof HttpException && error.getStatus() < 500 ? 'refused' : 'failed';
}
