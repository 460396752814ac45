import { Body, Controller, ForbiddenException, Get, HttpCode, Post, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SUMMARY_PROJECTION } from '@orders/read-model-protocol';
import {
  CurrentPrincipal,
  Documented,
  LimitedStream,
  RequireScope,
  withHeartbeat,
  type Principal,
} from '@orders/service-kit';
import { concat, defer, map, of, type Observable } from 'rxjs';
import { RebuildRuns, type RebuildRun } from './rebuild-runs';
import { CURRENT_ANSWER, EVENTS_ANSWER, START_ANSWER } from './rebuild.http.docs';
import { RebuildRequestDto } from './rebuild.request.dto';

const allTenants = (principal: Principal): void => {
  if (principal.tenants !== '*') {
    throw new ForbiddenException({
      code: 'TENANT_FORBIDDEN',
      message: 'read models cross companies: an all-company key only',
    });
  }
};

/**
 * The console's rebuild button: a blue/green rebuild of the order summary (the use case `ops rebuild` runs), started
 * by an operator (scope `operate`), one at a time, followed live over server-sent events. The timeline is the
 * journal every rebuild reads, so it is never rebuilt.
 */
@ApiTags('operations')
@ApiSecurity('api-key')
@ApiBearerAuth()
@Controller(`ops/projections/${SUMMARY_PROJECTION}/rebuild`)
export class RebuildController {
  constructor(private readonly runs: RebuildRuns) {}

  @Post()
  @HttpCode(202)
  @RequireScope('operate')
  @Documented({
    summary: 'Start a blue/green rebuild of the order summary (resumes one a crash left); answers once it runs',
    ...START_ANSWER,
    errors: { 409: 'REBUILD_ALREADY_RUNNING: a rebuild is under way (here, or ops rebuild elsewhere)' },
  })
  async start(@CurrentPrincipal() principal: Principal, @Body() body: RebuildRequestDto): Promise<RebuildRun> {
    allTenants(principal);
    return this.runs.start({ startedBy: principal.id, batchSize: body.batchSize, restart: body.restart });
  }

  @Get()
  @Documented({
    summary: 'The rebuild started here last: under way with its progress, or how it ended',
    ...CURRENT_ANSWER,
  })
  current(@CurrentPrincipal() principal: Principal): { run: RebuildRun | null } {
    allTenants(principal);
    return { run: this.runs.current() };
  }

  @Sse('events')
  @LimitedStream()
  @ApiOperation({ summary: 'Server-sent events: the rebuild as it stands, then each progress line and its end' })
  @ApiOkResponse(EVENTS_ANSWER)
  events(@CurrentPrincipal() principal: Principal): Observable<MessageEvent> {
    allTenants(principal);
    const rebuild = (run: RebuildRun | null): MessageEvent => ({ type: 'rebuild', data: run ?? 'null' });
    // The state first (read when the stream opens), then every change; a ping keeps proxies from closing it.
    const changes = concat(
      defer(() => of(this.runs.current())),
      this.runs.updates(),
    ).pipe(map(rebuild));
    return withHeartbeat(changes);
  }
}
