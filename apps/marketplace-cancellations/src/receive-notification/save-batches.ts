/**
 * Group commit for writes that each must be durable before their caller answers: a write that arrives while
 * `maxInFlight` statements are already running waits for the next one and goes in it with every other write that
 * arrived meanwhile. One statement, one commit (one WAL flush) for all of them, and each caller is answered only
 * after that commit. Nothing waits on a timer: with nothing in flight a write is sent at once, alone.
 *
 * A statement that fails is tried again one write at a time, so a write the database refuses fails alone and the
 * others of its batch still succeed (per-write failure isolation, as with one statement each).
 */
interface Waiting<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class SaveBatches<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private inFlight = 0;

  constructor(
    /** Writes the items in one statement; the result of each, in the items' order. */
    private readonly writeAll: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  write(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.send();
    });
  }

  private send(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.settle(batch).finally(() => {
        this.inFlight--;
        this.send();
      });
    }
  }

  private async settle(batch: readonly Waiting<T, R>[]): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.writeAll(batch.map((entry) => entry.item));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // Each alone: only the write the database refuses fails.
      await Promise.all(batch.map((entry) => this.writeAll([entry.item]).then(([result]) => entry.resolve(result), entry.reject)));
      return;
    }
    batch.forEach((entry, i) => entry.resolve(results[i]));
  }
}
