import { Controller, ForbiddenException, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@orders/event-store';
import { CurrentPrincipal, type Principal } from '@orders/service-kit';

/** Timers shown: the next ones to fire, an overview for the operators' console (the ops CLI counts them all). */
const NEXT_TIMERS = 20;

/**
 * The cancellation deadlines still scheduled, soonest first, with their retries: what an operator checks when a
 * buyer's request outlives its deadline. Read from the service's own table, so the console needs no database.
 */
@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('ops/timers')
export class DueTimersController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({ summary: 'Scheduled cancellation deadlines: counts and the next ones due' })
  async list(@CurrentPrincipal() principal: Principal) {
    if (principal.tenants !== '*') {
      throw new ForbiddenException({ code: 'TENANT_FORBIDDEN', message: 'timers cross campaigns: an all-company key only' });
    }
    const [counts, next] = await Promise.all([
      this.store.pool.query<{ scheduled: number; due: number; failing: number }>(
        `SELECT count(*)::int AS scheduled, count(*) FILTER (WHERE due_at <= now())::int AS due,
                count(*) FILTER (WHERE attempts > 0)::int AS failing
           FROM cancellation_timers WHERE state = 'SCHEDULED'`,
      ),
      this.store.pool.query<{ request_id: string; campaign_id: string; order_id: string; due_at: Date; attempts: number; last_error: string | null }>(
        `SELECT request_id, campaign_id, order_id, due_at, attempts, last_error FROM cancellation_timers
          WHERE state = 'SCHEDULED' ORDER BY due_at LIMIT ${NEXT_TIMERS}`,
      ),
    ]);
    return {
      ...counts.rows[0],
      next: next.rows.map((t) => ({
        requestId: t.request_id, campaignId: t.campaign_id, orderId: t.order_id, dueAt: t.due_at.toISOString(),
        attempts: t.attempts, lastError: t.last_error,
      })),
    };
  }
}
