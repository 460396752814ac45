import type { ExpectedVersion } from './types';

/** Base of the store's typed errors: a stable `code` that transports map to a status (409 for these). */
export class EventStoreError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream was not at the expected version; nothing was written. Retrying after a reload may succeed. */
export class ConcurrencyError extends EventStoreError {
  constructor(readonly streamId: string, readonly expectedVersion: ExpectedVersion, readonly actualVersion: number | undefined, detail?: string) {
    super('CONCURRENCY_CONFLICT', detail ?? `stream ${streamId} expected at version ${String(expectedVersion)} but is at ${
      actualVersion === undefined ? 'an unknown version' : actualVersion === 0 ? 'no stream' : actualVersion}`);
  }
}

/** The idempotency key was already used for a different request. */
export class IdempotencyKeyReused extends EventStoreError {
  constructor(readonly idempotencyKey: string, readonly streamId: string) {
    super('IDEMPOTENCY_KEY_REUSED', `idempotency key ${idempotencyKey} was already used for a different request (stream ${streamId})`);
  }
}

/** An event id that is already in the store; nothing was written. */
export class DuplicateEventId extends EventStoreError {
  constructor(readonly streamId: string, detail: string) {
    super('DUPLICATE_EVENT_ID', `an event id appended to ${streamId} already exists (${detail})`);
  }
}

/**
 * A programming error: the caller's transaction wrote before appending. Transaction ids are assigned at a
 * transaction's first write, and the global order is by transaction id, so the stream lock must be that first
 * write; otherwise a later version of a stream could sort before an earlier one. Append first, then write the rest.
 */
export class AppendNotFirstWrite extends EventStoreError {
  constructor(readonly streamId: string) {
    super('APPEND_NOT_FIRST_WRITE',
      `append to ${streamId} must be the first write of its transaction: this transaction already has an id; append before writing other rows`);
  }
}

/** Input the store refuses before touching the database. */
export class InvalidAppend extends EventStoreError {
  constructor(message: string) {
    super('INVALID_APPEND', message);
  }
}

/** The subscription's lease was taken over; the batch was rolled back. */
export class SubscriptionLeaseLost extends EventStoreError {
  constructor(readonly subscription: string, readonly owner: string) {
    super('SUBSCRIPTION_LEASE_LOST', `subscription ${subscription} is no longer leased to ${owner}`);
  }
}
