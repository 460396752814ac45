import { compareCheckpoints } from './read';
import type { Checkpoint, ReadAllPage, RecordedEvent } from './types';

/**
 * At most one page read ahead of a subscription's batch in flight, remembered with the checkpoint it was read after.
 * It is handed out only for exactly that checkpoint, that is once the batch before it committed; anything else
 * (a failed batch, a lost lease, a stop) drops it, and the batch reads afresh from its committed checkpoint.
 */
export class Prefetch {
  private pending: { after: Checkpoint; page: Promise<ReadAllPage> } | undefined;
  /** Reads not finished yet, dropped ones included: a stop waits for them before the pool may end. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly read: (after: Checkpoint) => Promise<ReadAllPage>,
    private readonly prepare?: (events: readonly RecordedEvent[]) => void,
  ) {}

  start(after: Checkpoint): void {
    this.discard();
    const page = this.prepare ? this.read(after).then((read) => this.prepared(read)) : this.read(after);
    // unhandled only when dropped: a batch that takes a failed read fails with its error and is retried
    const settled = page.then(() => undefined, () => undefined);
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    this.pending = { after, page };
  }

  /** The page read after `after`, or undefined when none was (or one was read after another checkpoint). */
  take(after: Checkpoint): Promise<ReadAllPage> | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending && compareCheckpoints(pending.after, after) === 0 ? pending.page : undefined;
  }

  private prepared(page: ReadAllPage): ReadAllPage {
    try {
      if (page.events.length > 0) this.prepare?.(page.events);
    } catch {
      // the handler meets the same error on this page, where it counts as the batch's failure
    }
    return page;
  }

  discard(): void {
    this.pending = undefined;
  }

  /** Drops the page and waits for the reads still running (before their pool may end). */
  async settle(): Promise<void> {
    this.pending = undefined;
    await Promise.all([...this.running]);
  }
}
