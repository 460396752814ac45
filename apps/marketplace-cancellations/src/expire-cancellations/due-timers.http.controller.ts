import { Controller, ForbiddenException, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@orders/event-store';
import { CurrentPrincipal, Documented, type Principal } from '@orders/service-kit';

/** Timers shown: the next ones to fire, an overview for the operators' console (the ops CLI counts them all). */
const NEXT_TIMERS = 20;

const DUE_TIMERS_ANSWER = {
  schema: {
    type: 'object',
    required: ['scheduled', 'due', 'failing', 'next'],
    properties: {
      scheduled: { type: 'integer', minimum: 0 },
      due: { type: 'integer', minimum: 0, description: 'scheduled and already past their deadline' },
      failing: { type: 'integer', minimum: 0, description: 'scheduled after a failed attempt' },
      next: {
        type: 'array',
        items: {
          type: 'object', required: ['requestId', 'campaignId', 'orderId', 'dueAt', 'attempts', 'lastError'],
          properties: {
            requestId: { type: 'string' }, campaignId: { type: 'string' }, orderId: { type: 'string' },
            dueAt: { type: 'string', format: 'date-time' }, attempts: { type: 'integer', minimum: 0 },
            lastError: { type: 'string', nullable: true },
          },
        },
      },
    },
  },
  example: {
    scheduled: 1, due: 0, failing: 0,
    next: [{ requestId: '7f3c', campaignId: '745144', orderId: '123456789', dueAt: '2026-12-08T09:00:00.000Z', attempts: 0, lastError: null }],
  },
};

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
  @Documented({ summary: 'Scheduled cancellation deadlines: counts and the next ones due', ...DUE_TIMERS_ANSWER })
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
