import { createParamDecorator, ExecutionContext, ForbiddenException, Injectable, PipeTransform } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import type { AuthenticatedRequest, Principal } from '../auth/api-keys';
import { Clock } from '../clock';
import { expectedVersionOf, scopedIdempotencyKey } from './command-headers';
import type { TracedRequest } from './request-ids';

/** What a mutating route needs of its request besides path and body; the same in every service. */
export interface CommandContext {
  /** The clock's time when the request reached the route: the command's "now". */
  readonly now: Date;
  readonly principal: Principal;
  /** The principal's id: who the events say acted. */
  readonly actor: string;
  readonly correlationId: string;
  /** The request that caused the command (its X-Request-Id). */
  readonly causationId: string;
  /** From If-Match; undefined when the write is unconditional. */
  readonly expectedVersion?: number;
  /** Idempotency-Key, scoped to the principal. */
  readonly idempotencyKey?: string;
}

type CommandRequest = AuthenticatedRequest & TracedRequest;

/** Reads a request by the rules of `command-headers.ts`; exported for the unit specs. */
export function commandContextOf(request: CommandRequest, now: Date): CommandContext {
  // Every mutating route is protected; a public one asking for a command context is a wiring bug, refused safely.
  const principal = request.principal;
  if (!principal) throw new ForbiddenException('no principal on this request');
  const requestId = String(request.id ?? '');
  const expectedVersion = expectedVersionOf(request.headers['if-match']);
  const idempotencyKey = scopedIdempotencyKey(principal.id, request.headers['idempotency-key']);
  return {
    now, principal, actor: principal.id, correlationId: request.correlationId ?? requestId, causationId: requestId,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}

/** The command metadata the event store records, from a command context. */
export function commandMetadataOf(context: CommandContext): CommandMetadata {
  return {
    now: context.now.toISOString(), actor: context.actor,
    correlationId: context.correlationId, causationId: context.causationId,
    ...(context.idempotencyKey === undefined ? {} : { idempotencyKey: context.idempotencyKey }),
  };
}

/** A pipe, not the decorator's factory, reads the clock: pipes are injected, decorator factories are not. */
@Injectable()
export class CommandContextPipe implements PipeTransform<CommandRequest, CommandContext> {
  constructor(private readonly clock: Clock) {}

  transform(request: CommandRequest): CommandContext {
    return commandContextOf(request, this.clock.now());
  }
}

const commandRequest = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<CommandRequest>(),
);

/** `@CommandContext() command: CommandContext` on every mutating route: header faults answer 422 before the handler. */
export const CommandContext = (): ParameterDecorator => commandRequest(CommandContextPipe);
