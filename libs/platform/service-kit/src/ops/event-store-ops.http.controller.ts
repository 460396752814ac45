import { Controller, ForbiddenException, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@orders/event-store';
import type { Principal } from '../auth/api-keys';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Documented } from '../http/documented';
import { SUBSCRIPTIONS_ANSWER, VERIFICATION_ANSWER } from './event-store-ops.http.docs';

/**
 * Read-only views of a service's own event store for the operators' console: the same hash-chain check as
 * `ops verify --stream` and the same subscription figures as `ops status`, through the service's API so the
 * console never reaches a database. Streams and subscriptions cross companies: an all-company key only.
 */
@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller('ops')
export class EventStoreOpsController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Get('streams/:id/verification')
  @ApiParam({ name: 'id', description: 'a stream id, or an order id without the stream prefix', schema: { type: 'string' } })
  @Documented({ summary: 'Recompute the hash chain of the streams an id names (the stream, or those ending -id)', ...VERIFICATION_ANSWER })
  async verification(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    allTenants(principal);
    const streams = [];
    for (const streamId of await this.store.streamsNamed(id)) {
      const result = await this.store.verifyStream(streamId);
      streams.push({ streamId, ok: result.ok, checkedEvents: result.checkedEvents, broken: result.firstBroken ?? null });
    }
    return { id, ok: streams.every((s) => s.ok), streams };
  }

  @Get('subscriptions')
  @Documented({ summary: 'Every subscription of this service with its checkpoint, lag and lease holder', ...SUBSCRIPTIONS_ANSWER })
  async subscriptions(@CurrentPrincipal() principal: Principal) {
    allTenants(principal);
    return { subscriptions: await this.store.subscriptionOverview() };
  }
}

function allTenants(principal: Principal): void {
  if (principal.tenants !== '*') {
    throw new ForbiddenException({ code: 'TENANT_FORBIDDEN', message: 'event streams cross companies: an all-company key only' });
  }
}
