import { backoffDelay, pause } from '../backoff';
import { loggerOf, type KafkaOptions, type MessagingLogger } from '../kafka';
import { provisionTopics, type TopicSpec } from '../topics';

/** Anything with a Kafka connection that a service runs for its lifetime: a consumer, a relay, a stream consumer. */
export interface KafkaMember {
  readonly name: string;
  /** Resolves once it runs; a rejection is retried by the lifecycle (after `stop()`, so a half start is undone). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BackgroundStartOptions {
  /** Pause between attempts: exponential from `initialDelayMs` to `maxDelayMs`, jittered (default 500 ms .. 30 s). */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  logger?: MessagingLogger;
}

/** Provisioning as a member: consumed topics exist before a group joins them, whoever produces them. */
export function provisioning(kafka: KafkaOptions, topics: readonly TopicSpec[]): KafkaMember {
  return { name: 'topic provisioning', start: async () => void (await provisionTopics(kafka, topics)), stop: async () => undefined };
}

/**
 * One Kafka lifecycle for every service: members start in order, in the background, and a failure (the broker is
 * down, a topic is missing) is retried with backoff until they all run or `stop()` is called. So a service boots,
 * serves HTTP and reports Kafka down on /health while the broker is away, and connects once it answers; nothing in
 * the app writes its own start-up loop. Members stop in reverse order (consumers before the relays they follow).
 */
export class BackgroundStart {
  private readonly abort = new AbortController();
  private readonly started: KafkaMember[] = [];
  private readonly logger: MessagingLogger;
  private loop: Promise<void> | undefined;
  private up = false;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly members: readonly KafkaMember[], private readonly options: BackgroundStartOptions = {}, kafka?: KafkaOptions) {
    this.logger = options.logger ?? (kafka ? loggerOf(kafka) : { warn: console.warn, error: console.error });
  }

  /** Starts the members in the background; returns at once. `onUp` runs once they all run. */
  start(onUp?: () => void): void {
    this.loop ??= this.run().then(() => {
      if (!this.up) return;
      this.waiters.splice(0).forEach((resolve) => resolve());
      onUp?.();
    });
  }

  get running(): boolean {
    return this.up;
  }

  /** Resolves once every member runs (never, if it is stopped first). */
  ready(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the retries, then stops what started, last first. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.up = false;
    for (const member of this.started.splice(0).reverse()) await member.stop();
  }

  private async run(): Promise<void> {
    const { initialDelayMs = 500, maxDelayMs = 30_000 } = this.options.retry ?? {};
    const policy = { attempts: Number.POSITIVE_INFINITY, initialDelayMs, maxDelayMs };
    for (let failures = 0; !this.abort.signal.aborted;) {
      const next = this.members[this.started.length];
      if (!next) {
        this.up = true;
        return;
      }
      try {
        await next.start();
        this.started.push(next);
        failures = 0;
      } catch (error) {
        failures += 1;
        await next.stop().catch(() => undefined);
        const delay = backoffDelay(policy, failures);
        this.logger.warn(`Kafka: ${next.name} not started (attempt ${failures}: ${describe(error)}); retrying in ${delay} ms`);
        await pause(delay, this.abort.signal);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
