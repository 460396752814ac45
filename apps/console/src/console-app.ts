import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { requestIds, securityHeaders } from '@orders/service-kit';
import { CONSOLE_SETTINGS, readConsoleSettings, type ConsoleSettings } from './config/console-settings';
import { ConsoleModule } from './console.module';

const LEVELS = { silent: [], fatal: ['fatal'], error: ['fatal', 'error'], warn: ['fatal', 'error', 'warn'] } as const;

/** The console app, built but not listening: main.ts and the browser tests share it. */
export async function createConsoleApp(): Promise<NestExpressApplication> {
  // Read once here for the logger (a bad variable fails before Nest starts, naming every problem).
  const level = readConsoleSettings().logLevel;
  const app = await NestFactory.create<NestExpressApplication>(ConsoleModule, {
    logger: level in LEVELS ? [...LEVELS[level as keyof typeof LEVELS]] : ['fatal', 'error', 'warn', 'log'],
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(requestIds);
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}

export async function listenConsole(app: NestExpressApplication): Promise<string> {
  const settings = app.get<ConsoleSettings>(CONSOLE_SETTINGS);
  await app.listen(settings.port, settings.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  return `http://${settings.host}:${port}`;
}
