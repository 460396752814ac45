import fc from 'fast-check';
import { fold, type CommandMetadata } from '@orders/decider-kit';
import type { ExternalOrderCommand } from './external-order.commands';
import { externalOrderDecider } from './external-order.decider';
import type { ExternalOrderEvent } from './external-order.events';

const meta: CommandMetadata = { now: '2026-01-13T18:00:00.000Z', actor: 'operator-1' };
const target = { companyId: 'company-a', orderId: 'order-1' };
const item = fc.record({
  name: fc.constantFrom('Pie', 'Bread', 'Tea'),
  quantity: fc.integer({ min: 1, max: 5 }),
  priceMinor: fc.integer({ min: 0, max: 50_000 }),
});

const commandArb: fc.Arbitrary<ExternalOrderCommand> = fc.oneof(
  fc.constant<ExternalOrderCommand>({
    type: 'SubmitExternalOrder',
    metadata: meta,
    data: {
      ...target,
      source: 'site',
      externalId: 'A1',
      payloadFingerprint: 'fp',
      piiRef: 'order-1',
      requestedTime: meta.now,
      requestedTimeOffset: 'Z',
      items: [{ name: 'Pie', quantity: 1, priceMinor: 100 }],
      amountMinor: 100,
      currency: 'RUB',
      serviceType: 'courier',
      licence: { validUntil: null },
    },
  }),
  fc.constant<ExternalOrderCommand>({ type: 'AcceptExternalOrder', data: target, metadata: meta }),
  fc.constant<ExternalOrderCommand>({
    type: 'RejectExternalOrder',
    data: { ...target, reasonCode: 'OUT_OF_STOCK' },
    metadata: meta,
  }),
  fc
    .array(item, { minLength: 1, maxLength: 3 })
    .map<ExternalOrderCommand>((items) => ({
      type: 'ConfirmOrderContents',
      data: { ...target, items },
      metadata: meta,
    })),
  fc.constant<ExternalOrderCommand>({ type: 'DispatchOrder', data: target, metadata: meta }),
  fc.constant<ExternalOrderCommand>({ type: 'ArchiveOrder', data: target, metadata: meta }),
  fc.constant<ExternalOrderCommand>({
    type: 'CancelExternalOrder',
    data: { ...target, cause: 'MARKETPLACE_CANCELLATION_EXPIRED', cancellationRef: 'r' },
    metadata: meta,
  }),
);

/** Runs commands in order, keeping the events of those that succeed (as the command handler would). */
function history(commands: ExternalOrderCommand[]): ExternalOrderEvent[] {
  const events: ExternalOrderEvent[] = [];
  for (const command of commands) {
    try {
      events.push(...externalOrderDecider.decide(command, fold(externalOrderDecider, events)));
    } catch {
      // refused: nothing appended
    }
  }
  return events;
}

describe('ExternalOrder decisions (properties)', () => {
  it('a request that succeeded, repeated at once, yields no events', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 8 }), commandArb, (before, command) => {
        const state = fold(externalOrderDecider, history(before));
        let first: readonly ExternalOrderEvent[];
        try {
          first = externalOrderDecider.decide(command, state);
        } catch {
          return; // refusals are covered by the given/when/then specs
        }
        const after = fold(externalOrderDecider, first, state);
        expect(externalOrderDecider.decide(command, after)).toEqual([]);
      }),
    );
  });

  it('nothing happens to an order once it is archived, deleted or cancelled, except no-op repeats', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 10 }), (commands) => {
        const events = history(commands);
        const terminalAt = events.findIndex((e) =>
          ['ExternalOrderArchived', 'ExternalOrderRejected', 'ExternalOrderCancelled'].includes(e.type),
        );
        if (terminalAt >= 0) expect(events.slice(terminalAt + 1)).toEqual([]);
      }),
    );
  });
});
