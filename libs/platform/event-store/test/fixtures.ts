import type { Command, Decider, Event } from '@orders/decider-kit';
import { DomainError } from '@orders/decider-kit';
import type { EventStore } from '../src';

/** Polls a condition until it holds or the deadline passes (never a bare sleep as synchronisation). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `perStream` events on each of `streams` streams named `<prefix>-<n>`, interleaved; their ids in log order. */
export async function appendMany(store: EventStore, prefix: string, streams: number, perStream: number): Promise<string[]> {
  const ids: string[] = [];
  for (let v = 0; v < perStream; v++) {
    for (let s = 0; s < streams; s++) {
      const result = await store.append(`${prefix}-${s}`, 'any', [{ type: 'Step', data: { v } }]);
      ids.push(result.events[0].eventId);
    }
  }
  return ids;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A small counter aggregate for command-handler specs.
export type CounterCommand =
  | Command<'Open', { limit: number }>
  | Command<'Add', { amount: number }>
  | Command<'RaiseLimit', { limit: number }>
  | Command<'Close', Record<string, never>>;
export type CounterEvent =
  | Event<'Opened', { limit: number }>
  | Event<'Added', { amount: number }>
  | Event<'LimitRaised', { limit: number }>
  | Event<'Closed', Record<string, never>>;
export interface Counter { status: 'none' | 'open' | 'closed'; total: number; limit: number; adds: number }

export class CounterLimitExceeded extends DomainError {
  constructor() { super('COUNTER_LIMIT_EXCEEDED', 'the counter would pass its limit'); }
}

export const counterDecider: Decider<CounterCommand, CounterEvent, Counter> = {
  initialState: { status: 'none', total: 0, limit: 0, adds: 0 },
  decide(command, state) {
    switch (command.type) {
      case 'Open':
        return state.status === 'none' ? [{ type: 'Opened', data: { limit: command.data.limit } }] : [];
      case 'Add':
        if (state.status !== 'open') throw new DomainError('COUNTER_NOT_OPEN', 'the counter is not open');
        if (state.total + command.data.amount > state.limit) throw new CounterLimitExceeded();
        return [{ type: 'Added', data: { amount: command.data.amount } }];
      case 'RaiseLimit':
        return command.data.limit <= state.limit ? [] : [{ type: 'LimitRaised', data: { limit: command.data.limit } }];
      case 'Close':
        return state.status === 'closed' ? [] : [{ type: 'Closed', data: {} }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Opened': return { ...state, status: 'open', limit: event.data.limit };
      case 'Added': return { ...state, total: state.total + event.data.amount, adds: state.adds + 1 };
      case 'LimitRaised': return { ...state, limit: event.data.limit };
      case 'Closed': return { ...state, status: 'closed' };
      default: return state;
    }
  },
};

export const meta = (extra: Partial<Command['metadata']> = {}) => ({ now: '2025-05-06T07:08:09.000Z', actor: 'tester', ...extra });
