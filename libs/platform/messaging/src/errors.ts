import { DomainError } from '@orders/decider-kit';
import { isCausedByContent } from '@orders/contracts';

// The classification of SQL errors by cause is the contracts' (one rule for every runner and tool).
export { isCausedByContent };

/** Throw (or wrap with) this from a handler when retrying cannot help: the message goes to the DLQ at once. */
export class NonRetryableError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

/**
 * The default retry decision: a NonRetryableError, anything marked `retryable: false` and a DomainError (a decision
 * that refused once refuses again) are not retried; everything else is (timeouts, conflicts, a dependency down).
 */
export function isRetryableByDefault(error: unknown): boolean {
  if (error instanceof NonRetryableError || error instanceof DomainError || isCausedByContent(error)) return false;
  return !(typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false);
}

/**
 * PostgreSQL unreachable or shutting down: the service is unhealthy, not the message. Such failures are retried
 * without bound (holding the partition) instead of dead-lettering every message during an outage.
 */
export function isInfrastructureFailure(error: unknown): boolean {
  // 08P01 is what a NUL in a message makes of a query, and 22/54 are the data's fault: the message's problem
  if (isCausedByContent(error)) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^(08|53|57P)/.test(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT';
  return error instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(error.message);
}

export interface ErrorSummary {
  class: string;
  message: string;
  code?: string;
}

export function summarize(error: unknown): ErrorSummary {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { class: error.constructor?.name || error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (typeof error === 'object' && error !== null) return { class: 'Object', message: JSON.stringify(error) };
  return { class: typeof error, message: String(error) };
}
