import { Controller, ForbiddenException, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@orders/event-store';
import { CurrentPrincipal, Documented, SUBSCRIPTION_SCHEMA, type Principal } from '@orders/service-kit';
import { STATE_OUTBOX_STORE } from '../live/projector-messaging';
import { ReadModelDb } from '../storage/read-model-db';

const PROJECTIONS_ANSWER = {
  schema: {
    type: 'object',
    required: ['readModels', 'subscriptions'],
    properties: {
      readModels: {
        type: 'array',
        items: {
          type: 'object', required: ['projection', 'servingVersion', 'switchedAt', 'rebuild'],
          properties: {
            projection: { type: 'string', example: 'order-summary' },
            servingVersion: { type: 'integer', minimum: 1 },
            switchedAt: { type: 'string', format: 'date-time' },
            rebuild: {
              type: 'object', nullable: true, description: 'a rebuild under way (or left by a crash, to be resumed)',
              required: ['version', 'processed', 'total', 'updatedAt'],
              properties: {
                version: { type: 'integer' }, processed: { type: 'integer' }, total: { type: 'integer' },
                updatedAt: { type: 'string', format: 'date-time', nullable: true },
              },
            },
          },
        },
      },
      subscriptions: { type: 'array', items: SUBSCRIPTION_SCHEMA },
    },
  },
  example: {
    readModels: [{ projection: 'order-summary', servingVersion: 1, switchedAt: '2026-12-07T21:10:20.000Z', rebuild: null }],
    subscriptions: [{
      name: 'projector-order-state', checkpoint: '308927/0', behind: 0, headPosition: '12', leaseOwner: 'vm:3111:f448cf',
      leaseExpiresAt: '2026-12-07T21:11:02.000Z', updatedAt: '2026-12-07T21:10:32.000Z',
    }],
  },
};

/**
 * The projector's side of `ops status` for the operators' console: its read models (the version serving, a rebuild
 * under way with its progress) and the subscription that publishes orders.state.v1 from its outbox store.
 */
@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('ops/projections')
export class ProjectionsStatusController {
  constructor(private readonly db: ReadModelDb, @Inject(STATE_OUTBOX_STORE) private readonly outbox: EventStore) {}

  @Get()
  @Documented({ summary: 'Read models with the version serving and a rebuild under way; the outbox subscriptions', ...PROJECTIONS_ANSWER })
  async status(@CurrentPrincipal() principal: Principal) {
    if (principal.tenants !== '*') {
      throw new ForbiddenException({ code: 'TENANT_FORBIDDEN', message: 'read models cross companies: an all-company key only' });
    }
    const s = `"${this.db.schema}"`;
    const [readModels, subscriptions] = await Promise.all([
      this.db.pool.query<{ name: string; active_version: number; switched_at: Date; version: number | null;
        processed: string | null; total: string | null; updated_at: Date | null }>(
        `SELECT p.name, p.active_version, p.switched_at, r.version, r.processed::text, r.total::text, r.updated_at
           FROM ${s}.projections p LEFT JOIN ${s}.rebuilds r ON r.projection = p.name AND r.status = 'running'
          ORDER BY p.name`,
      ),
      this.outbox.subscriptionOverview(),
    ]);
    return {
      readModels: readModels.rows.map((r) => ({
        projection: r.name, servingVersion: r.active_version, switchedAt: r.switched_at.toISOString(),
        rebuild: r.version === null ? null : {
          version: r.version, processed: Number(r.processed), total: Number(r.total), updatedAt: r.updated_at?.toISOString() ?? null,
        },
      })),
      subscriptions,
    };
  }
}
