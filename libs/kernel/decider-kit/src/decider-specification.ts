import type { Decider } from './decider';
import { DomainError } from './domain-error';
import { firstDifference, show } from './deep-equal';

// Failures are plain Errors with full context, so the kit works under jest (or any runner) without importing it.

type Outcome<E> = { readonly kind: 'events'; readonly events: readonly E[] } | { readonly kind: 'thrown'; readonly error: unknown };

export interface Then<E> {
  /** The decision yields exactly these events, in order. */
  then(expected: readonly E[]): void;
  /** The decision throws a DomainError with this code (and field, when given). */
  thenThrows(code: string, expectations?: { readonly field?: string; readonly check?: (error: DomainError) => void }): void;
  /** The request is already satisfied: no events, no error. */
  thenNothing(): void;
}

export interface When<C, E> {
  when(command: C): Then<E>;
}

/** given(events).when(command).then(events) | thenThrows(code) | thenNothing(), for a decider. */
export class DeciderSpecification<C, E, S> {
  private constructor(private readonly decider: Decider<C, E, S>) {}

  static for<C, E, S>(decider: Decider<C, E, S>): DeciderSpecification<C, E, S> {
    return new DeciderSpecification(decider);
  }

  given(events: readonly E[] = []): When<C, E> {
    return { when: (command: C) => this.then(events, command) };
  }

  private then(history: readonly E[], command: C): Then<E> {
    const decider = this.decider;
    const run = (): Outcome<E> => {
      let state = decider.initialState;
      history.forEach((event, index) => {
        try {
          state = decider.evolve(state, event);
        } catch (error) {
          throw new Error(`evolve threw on given event [${index}] (evolve must be total): ${describe(error)}\n${show(event)}`, { cause: error });
        }
      });
      try {
        return { kind: 'events', events: decider.decide(command, state) };
      } catch (error) {
        return { kind: 'thrown', error };
      }
    };

    const expectEvents = (expected: readonly E[]): void => {
      const outcome = run();
      if (outcome.kind === 'thrown') {
        throw new Error(`expected ${count(expected.length)}, but decide threw ${describe(outcome.error)}`, { cause: outcome.error });
      }
      const difference = firstDifference(expected, outcome.events);
      if (difference) {
        const where = difference.path ? ` at ${difference.path}` : '';
        throw new Error(
          `decided events differ${where}: expected ${show(difference.expected)}, received ${show(difference.received)}\n` +
            `expected events: ${show(expected)}\nreceived events: ${show(outcome.events)}`,
        );
      }
    };

    return {
      then: expectEvents,
      thenNothing: () => expectEvents([]),
      thenThrows: (code, expectations = {}) => {
        const outcome = run();
        if (outcome.kind === 'events') {
          throw new Error(`expected a DomainError ${code}, but decide returned ${count(outcome.events.length)}: ${show(outcome.events)}`);
        }
        const error = outcome.error;
        if (!(error instanceof DomainError)) {
          throw new Error(`expected a DomainError ${code}, but decide threw ${describe(error)}`, { cause: error });
        }
        if (error.code !== code) {
          throw new Error(`expected a DomainError ${code}, but decide threw ${describe(error)}`, { cause: error });
        }
        if (expectations.field !== undefined && error.field !== expectations.field) {
          throw new Error(`expected ${code} on field ${show(expectations.field)}, but it names field ${show(error.field)}`, { cause: error });
        }
        expectations.check?.(error);
      },
    };
  }
}

const count = (n: number): string => `${n} event${n === 1 ? '' : 's'}`;

function describe(error: unknown): string {
  if (error instanceof DomainError) return `${error.name} ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return show(error);
}
