export interface DomainErrorOptions {
  /** The input field at fault, when one is (mapped to the error envelope's `field`). */
  readonly field?: string;
  /** Machine-readable facts about the failure; never personal data. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * A broken business rule. The `code` is stable (UPPER_SNAKE_CASE) and is what transports map to a status; the
 * message is for humans and may change. Subclass it per rule so callers can use `instanceof`.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
