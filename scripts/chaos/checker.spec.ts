import { count, type Journal } from './checker';
import type { ChaosOrder, Kind, Step } from './load';

/*
 * The chaos checker on fabricated journals: a run passes only when it would also fail, so each way of losing or
 * duplicating an effect is injected here into an otherwise complete journal and must be counted.
 */

function order(seq: number, kind: Kind, steps: Step[]): ChaosOrder {
  return {
    seq,
    kind,
    marketOrderId: 5000 + seq,
    orderId: `order-${seq}`,
    offered: [...steps],
    acknowledged: [...steps],
    abandoned: false,
  };
}

const ORDERS: ChaosOrder[] = [
  order(1, 'finish', ['submit', 'accept', 'finish']),
  order(2, 'reject', ['submit', 'accept', 'inDelivery', 'request', 'finish']),
  order(3, 'cancel', ['submit', 'accept', 'inDelivery', 'request', 'decide']),
  order(4, 'expire', ['submit', 'accept', 'inDelivery', 'request']),
];

const EFFECTS: Record<string, string[]> = {
  'order-1': ['ExternalOrderReceived', 'ExternalOrderAccepted', 'DeliveryCreated', 'DeliveryFinished'],
  'order-2': [
    'ExternalOrderReceived',
    'ExternalOrderAccepted',
    'DeliveryCreated',
    'CancellationRequested',
    'DeliveryFinished',
    'CancellationRejected',
  ],
  'order-3': [
    'ExternalOrderReceived',
    'ExternalOrderAccepted',
    'DeliveryCreated',
    'CancellationRequested',
    'CancellationAccepted',
    'DeliveryCancelled',
    'ExternalOrderCancelled',
  ],
  'order-4': [
    'ExternalOrderReceived',
    'ExternalOrderAccepted',
    'DeliveryCreated',
    'CancellationRequested',
    'CancellationExpired',
    'DeliveryCancelled',
    'ExternalOrderCancelled',
  ],
};

/** Every effect of every order once, one intake order per submission, a summary for each. */
function complete(): {
  effects: { order_id: string; type: string; n: number }[];
  received: Journal['received'];
  summaries: string[];
} {
  return {
    effects: Object.entries(EFFECTS).flatMap(([orderId, types]) =>
      types.map((type) => ({ order_id: orderId, type, n: 1 })),
    ),
    received: ORDERS.map((o) => ({ external_id: String(o.marketOrderId), orders: 1 })),
    summaries: ORDERS.map((o) => o.orderId as string),
  };
}

describe('chaos checker', () => {
  it('finds nothing lost or duplicated in a complete journal and counts the commands', () => {
    const result = count(complete(), ORDERS);
    expect(result).toMatchObject({
      lost: 0,
      duplicated: 0,
      offered: 17,
      acknowledged: 17,
      journalEvents: 24,
      findings: [],
    });
  });

  it.each([
    ['order-1', 'DeliveryFinished'],
    ['order-2', 'CancellationRejected'],
    ['order-3', 'ExternalOrderCancelled'],
    ['order-4', 'CancellationExpired'],
    ['order-1', 'DeliveryCreated'],
  ])('counts %s without %s as lost', (orderId, type) => {
    const journal = complete();
    journal.effects = journal.effects.filter((row) => !(row.order_id === orderId && row.type === type));
    const result = count(journal, ORDERS);
    expect(result.lost).toBe(1);
    expect(result.findings).toEqual([expect.objectContaining({ orderId, what: `lost: ${type} missing` })]);
  });

  it('counts an order without a summary as lost', () => {
    const journal = complete();
    journal.summaries = journal.summaries.filter((id) => id !== 'order-2');
    expect(count(journal, ORDERS)).toMatchObject({
      lost: 1,
      findings: [expect.objectContaining({ what: 'lost: no order summary' })],
    });
  });

  it('counts an effect twice, two decisions, two intake orders and a second timeline as duplicated', () => {
    const journal = complete();
    journal.effects = journal.effects.map((row) =>
      row.order_id === 'order-1' && row.type === 'DeliveryFinished' ? { ...row, n: 2 } : row,
    );
    journal.effects.push({ order_id: 'order-2', type: 'CancellationAccepted', n: 1 });
    journal.received = journal.received.map((row) => (row.external_id === '5003' ? { ...row, orders: 2 } : row));
    journal.summaries.push('order-nobody-made');
    const result = count(journal, ORDERS);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(4);
    expect(result.findings.map((finding) => finding.what)).toEqual([
      'duplicated: DeliveryFinished × 2',
      'duplicated: 2 decisions (CancellationAccepted, CancellationRejected)',
      'duplicated: one submission made 2 intake orders',
      'duplicated: a timeline under an id no answered command made',
    ]);
  });

  it('expects nothing of a command that was never acknowledged', () => {
    const unanswered = {
      ...order(1, 'finish', ['submit', 'accept']),
      offered: ['submit', 'accept', 'finish'] as Step[],
    };
    const journal = complete();
    journal.effects = journal.effects.filter((row) => !(row.order_id === 'order-1' && row.type === 'DeliveryFinished'));
    expect(count(journal, [unanswered, ...ORDERS.slice(1)])).toMatchObject({
      lost: 0,
      duplicated: 0,
      offered: 17,
      acknowledged: 16,
    });
  });
});
