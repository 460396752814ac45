import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceConfig } from '../config/service-config';

/**
 * The service's tracing for its lifetime: started while the app is created (before its first request or message)
 * when OTEL_* asks for it, flushed and stopped at shutdown. With tracing off the SDK is not even loaded: the
 * platform's spans stay the OpenTelemetry API's no-ops.
 */
@Injectable()
export class TracingRuntime implements OnApplicationShutdown {
  private constructor(private readonly stop: (() => Promise<void>) | undefined) {}

  static async start(config: ServiceConfig): Promise<TracingRuntime> {
    const tracing = config.telemetry.tracing;
    if (!tracing) return new TracingRuntime(undefined);
    const { startTracing, tracingSetupOf } = await import('./tracing');
    return new TracingRuntime(startTracing(tracingSetupOf(tracing)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop?.();
  }
}
