import { Logger as NestLogger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { tracingEnabled } from '@orders/event-store';
import { Logger } from 'nestjs-pino';
import { ServiceConfig } from './config/service-config';
import { rejectDeepJson } from './http/json-depth';
import { requestIds } from './http/request-ids';
import { securityHeaders } from './http/security-headers';
import { refuseBrokenUrls } from './http/url-check';
import { setupOpenApi } from './http/openapi';
import { HttpMetrics } from './metrics/http-metrics';
import { traceRequests } from './telemetry/trace-requests';
import { TracingRuntime } from './telemetry/tracing-runtime';

/** Requests above this are answered 413; batch endpoints that need more document their own limit. */
export const BODY_LIMIT = '1mb';

/** Builds the configured application without listening: `bootstrap` and the specs share it. */
export async function createServiceApp(appModule: Type<unknown>): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(appModule, {
    // Silent until the JSON logger takes over; start-up failures are printed once, by `bootstrap`.
    logger: false,
    bodyParser: false,
    // Throw instead of process.abort() so the caller can print the reason and exit cleanly.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Order matters: headers every answer carries first, then ids, so the metrics, the request log and error bodies
  // all see them.
  app.use(securityHeaders);
  app.use(requestIds);
  // Tracing started while the app was created, when OTEL_* asks for it (or a spec records spans): every request
  // then runs in its span, the ids above as attributes. Off, not even the middleware is installed.
  app.get(TracingRuntime);
  if (tracingEnabled()) app.use(traceRequests);
  app.use(app.get(HttpMetrics).middleware);
  app.use(refuseBrokenUrls);
  // The depth check runs on the raw body before JSON.parse (and so before class-transformer): 400 when too deep.
  app.useBodyParser('json', { limit: BODY_LIMIT, verify: rejectDeepJson });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  setupOpenApi(app, app.get(ServiceConfig).service);
  return app;
}

/** Starts a service shell: listens where configured, and on SIGTERM/SIGINT closes within the shutdown timeout. */
export async function bootstrap(appModule: Type<unknown>): Promise<NestExpressApplication | undefined> {
  const logger = new NestLogger('Bootstrap');
  try {
    const app = await createServiceApp(appModule);
    const config = app.get(ServiceConfig);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.log(`${signal}: closing (at most ${config.shutdownTimeoutMs} ms)`);
        // A hung connection must not keep a stopped service alive; unref so a clean close is not delayed.
        setTimeout(() => {
          logger.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
          process.exit(1);
        }, config.shutdownTimeoutMs).unref();
      });
    }
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.log(`${config.service.name} listening on http://${config.host}:${port} (/health, /metrics, /docs)`);
    return app;
  } catch (error) {
    // Configuration errors carry their own list of bad variables; anything else keeps its stack.
    const text = error instanceof Error ? (error.name === 'ConfigValidationError' ? error.message : error.stack) : String(error);
    process.stderr.write(`${text}\n`);
    process.exit(1);
  }
}
