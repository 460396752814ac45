import type { Checkpoint } from './types';

/**
 * A checkpoint advance still running while the next batch is handled (`overlapAdvance`). The next batch reads after
 * `to`, but its own advance waits for this one (`settle`): checkpoints commit strictly in log order, and a failed
 * advance fails the batch after it, which is then handled again from the last committed checkpoint.
 */
export class AdvanceInFlight {
  private failure: { error: unknown } | undefined;
  private readonly done: Promise<void>;

  constructor(
    readonly to: Checkpoint,
    advance: Promise<void>,
  ) {
    this.done = advance;
    // marks it handled: a failure is thrown where it is settled, or reported by the runner on its way out
    advance.catch((error: unknown) => {
      this.failure = { error };
    });
  }

  /** Throws at once when the advance is already known to have failed (the next batch need not run its handler). */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Resolves once the advance committed; rejects with its error when it did not. */
  settle(): Promise<void> {
    return this.done;
  }
}
