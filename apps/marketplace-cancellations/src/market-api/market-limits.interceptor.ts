import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { type Observable, catchError, throwError } from 'rxjs';
import { MarketLimitExceeded } from './market-limits';

/**
 * Market answers its limits with 420 and a Retry-After (api-conventions.md). The limits themselves are taken by the
 * handlers through `MarketLimits.within`, after validation and on normalised ids (an interceptor runs before the
 * pipes and sees only the raw path); this adds the header to their refusal.
 */
@Injectable()
export class MarketLimitsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => {
      if (error instanceof MarketLimitExceeded) {
        context.switchToHttp().getResponse<ServerResponse>().setHeader('Retry-After', String(error.refusal.retryAfterSeconds));
      }
      return throwError(() => error);
    }));
  }
}
