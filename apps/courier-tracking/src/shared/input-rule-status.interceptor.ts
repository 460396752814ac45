import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { INPUT_RULE_CODES } from '@orders/delivery-domain';
import { Observable, catchError, throwError } from 'rxjs';

/**
 * The domain names rules, not HTTP statuses. A few of its refusals are about the input itself (partially_finished
 * where it is not enabled, closing a pickup, yandex_pay from a caller): domain.md §4.2 answers those with 422, and
 * the shared error filter reads `httpStatus` when an error carries one.
 */
@Injectable()
export class InputRuleStatusInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => {
      if (error instanceof Error && INPUT_RULE_CODES.includes((error as { code?: string }).code ?? '')) Object.assign(error, { httpStatus: 422 });
      return throwError(() => error);
    }));
  }
}
