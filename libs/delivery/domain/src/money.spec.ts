import fc from 'fast-check';
import type { CreateDelivery, RecordDeliveryPayment, UpdateDelivery } from './delivery.commands';
import { NOW, SEALED, cmd, created, orderFacts, settings, spec } from './delivery.fixtures';
import { MAX_AMOUNT, toMajorUnits, toMinorUnits } from './money';

// Money in Delivery events is integer kopecks (`amount_minor`); Track & Trace and iiko send rubles (`amount`).

const create = (fields: Record<string, unknown>) => cmd<CreateDelivery>('CreateDelivery', {
  delivery_id: 'd-1', company_id: 'c-1', pii_ref: 'pii-d-1', order: { ...orderFacts, ...fields }, personal_data_fields: SEALED, located: true,
  settings, initiator: 'user_api',
});
const patch = (fields: Record<string, unknown>) =>
  cmd<UpdateDelivery>('UpdateDelivery', { order: fields, personal_data_fields: [], settings, initiator: 'user_api' });
const pay = (amount: number | null) => cmd<RecordDeliveryPayment>('RecordDeliveryPayment', { payment_type: 'card', amount, paid_at: NOW });

describe('Delivery: amounts are stored in kopecks', () => {
  it('records the amount of a new delivery in kopecks, float artefacts rounded away', () => {
    spec.given([]).when(create({ amount: 1250.5 })).then([created({ amount_minor: 125050 })]);
    spec.given([]).when(create({ amount: 19.99 })).then([created({ amount_minor: 1999 })]); // 19.99 * 100 = 1998.999…
    spec.given([]).when(create({ amount: null })).then([created({ amount_minor: null })]);
    spec.given([]).when(create({})).then([created({ amount_minor: null })]);
  });

  it('refuses an amount too large for its kopecks to be exact', () => {
    spec.given([]).when(create({ amount: MAX_AMOUNT })).then([created({ amount_minor: MAX_AMOUNT * 100 })]);
    spec.given([]).when(create({ amount: MAX_AMOUNT + 1 })).thenThrows('OUT_OF_RANGE', { field: 'amount' });
  });

  it('records a changed amount in kopecks, and the same amount in rubles as no change', () => {
    spec.given([created({ amount_minor: 125050 })]).when(patch({ amount: 1250.5 })).thenNothing();
    spec.given([created({ amount_minor: 125050 })]).when(patch({ amount: 0.1 + 0.2 }))
      .then([{ type: 'DeliveryUpdated', data: { changes: { amount_minor: 30 }, at: NOW } }]);
    spec.given([created({ amount_minor: 125050 })]).when(patch({ amount: null }))
      .then([{ type: 'DeliveryUpdated', data: { changes: { amount_minor: null }, at: NOW } }]);
  });

  it('records a payment in kopecks, or none when the payment names no amount', () => {
    spec.given([created()]).when(pay(990.99)).then([{ type: 'DeliveryPaid', data: { payment_type: 'card', amount_minor: 99099, paid_at: NOW } }]);
    spec.given([created()]).when(pay(null)).then([{ type: 'DeliveryPaid', data: { payment_type: 'card', amount_minor: null, paid_at: NOW } }]);
  });

  it('shows every amount with two decimals as it was given', () => {
    for (const amount of [0, 0.01, 0.1, 0.29, 1.15, 19.99, 900.5, 1250.5, 123456.78, 9_999_999_999_999.99, MAX_AMOUNT]) {
      expect(toMajorUnits(toMinorUnits(amount))).toBe(amount);
    }
  });

  it('converts exactly both ways up to MAX_AMOUNT: kopecks as a decimal string, as JSON, and back', () =>
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_AMOUNT * 100 }), (kopecks) => {
      const rubles = Number(`${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`);
      return toMinorUnits(rubles) === kopecks && toMajorUnits(kopecks) === rubles;
    }), { numRuns: 2000 }));
});
