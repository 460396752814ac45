import {
  applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';

/** Sets `Cache-Control: no-store` before the handler runs, so success, error and streamed answers all carry it. */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    context.switchToHttp().getResponse<ServerResponse>().setHeader('Cache-Control', 'no-store');
    return next.handle();
  }
}

/**
 * For answers that carry personal data (a guest's name, phone, address): no browser, proxy or CDN may keep a copy.
 * On a controller or a route.
 */
export const NoStore = (): MethodDecorator & ClassDecorator => applyDecorators(UseInterceptors(NoStoreInterceptor));
