import { NonRetryableError } from '../errors';

/**
 * What a policy decides about one consumed message, as a decider decides about a command: run a command, ignore
 * the message (with the reason, for the log), or refuse it (the message can never be acted on: dead-lettered).
 * Policies are pure functions returning this; the `@EventPattern` handler does the I/O (`applyPolicy`).
 */
export type PolicyDecision<C> =
  | { readonly kind: 'command'; readonly command: C }
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'refuse'; readonly reason: string };

export const runCommand = <C>(command: C): PolicyDecision<C> => ({ kind: 'command', command });
export const ignoreMessage = (reason: string): PolicyDecision<never> => ({ kind: 'ignore', reason });
export const refuseMessage = (reason: string): PolicyDecision<never> => ({ kind: 'refuse', reason });

/**
 * The handler's side of a decision: runs the command, logs an ignored message, and throws a refusal as a
 * `NonRetryableError` so the runner dead-letters it at once (retrying cannot change a pure decision).
 */
export async function applyPolicy<C>(decision: PolicyDecision<C>, run: (command: C) => Promise<void>,
  ignored?: (reason: string) => void): Promise<void> {
  switch (decision.kind) {
    case 'command':
      return run(decision.command);
    case 'ignore':
      ignored?.(decision.reason);
      return;
    case 'refuse':
      throw new NonRetryableError(decision.reason);
  }
}
