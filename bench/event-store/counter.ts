import type { Command, Decider, Event } from '@orders/decider-kit';

/** The smallest real decider: each Count command appends one Counted event. */
export type CountCommand = Command<'Count', { by: number }>;
export type CountedEvent = Event<'Counted', { by: number; total: number }>;
export interface CounterState { total: number }

export const counter: Decider<CountCommand, CountedEvent, CounterState> = {
  initialState: { total: 0 },
  decide: (command, state) => [{ type: 'Counted', data: { by: command.data.by, total: state.total + command.data.by } }],
  evolve: (_state, event) => ({ total: event.data.total }),
};

export const payload = (i: number) => ({ by: 1, total: i, note: 'a payload of ordinary size for an order event' });
