import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, Principal, TracedRequest } from '@orders/service-kit';

/** The slice of Express's response the handlers touch (Nest still writes the body). */
export interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): unknown;
}

/** What a handler needs of the request besides its body: who asks, the write conditions, the response for headers. */
export interface CallContext {
  readonly principal: Principal;
  readonly correlationId?: string;
  readonly ifMatch?: string;
  readonly idempotencyKey?: string;
  readonly response: HttpResponse;
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** `@Call() call: CallContext`: the principal (the guard has authenticated it), If-Match, Idempotency-Key. */
export const Call = createParamDecorator((_data: unknown, context: ExecutionContext): CallContext => {
  const http = context.switchToHttp();
  const request = http.getRequest<AuthenticatedRequest & TracedRequest>();
  if (!request.principal) throw new Error('a route without an authenticated principal');
  return {
    principal: request.principal,
    correlationId: request.correlationId,
    ifMatch: header(request.headers['if-match']),
    idempotencyKey: header(request.headers['idempotency-key']),
    response: http.getResponse<HttpResponse>(),
  };
});
