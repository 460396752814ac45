import type { ChaosStack } from './stack';

/**
 * Samples every instance's GET /health while a fault lasts and keeps the answers seen per instance (an HTTP status, or
 * "down" when nothing answered): the report shows whether the services said they were unwell during the outage.
 */
export class HealthWatch {
  readonly seen: Record<string, Record<string, number>> = {};
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly stack: ChaosStack, private readonly everyMs = 500) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await Promise.all(this.stack.instances.map(async (instance) => {
          let answer = 'down';
          try {
            answer = String((await fetch(`${instance.url}/health`, { signal: AbortSignal.timeout(2000) })).status);
          } catch { /* nothing answered */ }
          const counts = (this.seen[instance.id] ??= {});
          counts[answer] = (counts[answer] ?? 0) + 1;
        }));
        await new Promise((resolve) => setTimeout(resolve, this.everyMs));
      }
    })();
  }

  async stop(): Promise<Record<string, Record<string, number>>> {
    this.running = false;
    await this.loop;
    return this.seen;
  }
}
