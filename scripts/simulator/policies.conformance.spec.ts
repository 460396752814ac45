// The simulator restates the services' policies (policies.ts: the app files load NestJS and pg, which the simulator
// core must not). This spec, outside the core, keeps the restatement honest: the same message through the app's
// policy and the simulator's gives the same command on the same stream.
import type {
  CancellationAcceptedV1,
  DeliveryFinishedV1,
  ExternalOrderAcceptedV1,
  MarketplaceOrderCancelledV1,
} from '@orders/contracts';
import { cancelDeliveryPolicy as appCancelDelivery } from '../../apps/courier-tracking/src/deliveries/cancel-delivery-on-marketplace-cancellation/cancel-delivery.policy';
import { createDeliveryPolicy as appCreateDelivery } from '../../apps/courier-tracking/src/deliveries/create-delivery-on-accepted-order/create-delivery.policy';
import { cancelOnMarketplaceCancellation } from '../../apps/intake/src/external-orders/cancel-on-marketplace-cancellation/marketplace-cancellation.policy';
import { deliveryFinishedPolicy as appDeliveryFinished } from '../../apps/marketplace-cancellations/src/reject-on-delivery-finished/delivery-finished.policy';
import {
  cancelDeliveryPolicy,
  cancelIntakeOrderPolicy,
  createDeliveryPolicy,
  deliveryFinishedPolicy,
  SETTINGS,
} from './policies';
import type { SimMessage } from './transport';

const orderId = '00000000-0000-4000-8000-000000000001';
const company = '1001';
const message = (type: string, payload: Record<string, unknown>): SimMessage => ({
  id: 'm-1',
  topic: 't',
  key: orderId,
  type,
  payload,
});
const commandOf = <T>(decision: { kind: string; command?: T }): T | undefined =>
  decision.kind === 'command' ? decision.command : undefined;

describe('the simulator policies match the services’ policies', () => {
  it.each([[null], ['2026-03-02T12:00:00.000Z']])('create delivery (requested time %s)', (requestedTime) => {
    const accepted = {
      orderId,
      tenantId: company,
      acceptedBy: 'operator',
      acceptedAt: '2026-03-02T07:00:00.000Z',
      posOrderRef: orderId,
      serviceType: 'courier',
      requestedTime,
      amountMinor: 89000,
      currency: 'RUB',
      personalDataRef: orderId,
    } as ExternalOrderAcceptedV1;
    const ours = createDeliveryPolicy(message('ExternalOrderAccepted', { ...accepted, companyId: company }));
    expect(ours.kind === 'command' && ours.routed.command).toEqual(commandOf(appCreateDelivery(accepted, SETTINGS)));
  });

  it('cancel the delivery of a cancelled Market order (and ignore an order without one)', () => {
    const cancelled = {
      orderId,
      tenantId: company,
      campaignId: 1001,
      marketOrderId: 70000,
      cause: 'REQUEST_ACCEPTED',
      substatus: null,
      cancelledAt: '2026-03-02T08:00:00Z',
    } as MarketplaceOrderCancelledV1;
    const theirs = commandOf(appCancelDelivery(cancelled, { deliveryExists: true }));
    const ours = cancelDeliveryPolicy(
      message('MarketplaceOrderCancelled', { platformOrderId: orderId, cause: 'REQUEST_ACCEPTED' }),
      () => true,
    );
    expect(ours.kind === 'command' && ours.routed).toMatchObject({
      streamId: `delivery-${theirs?.deliveryId}`,
      command: theirs?.command,
    });
    expect(appCancelDelivery(cancelled, { deliveryExists: false }).kind).toBe('ignore');
    expect(
      cancelDeliveryPolicy(
        message('MarketplaceOrderCancelled', { platformOrderId: orderId, cause: 'REQUEST_ACCEPTED' }),
        () => false,
      ).kind,
    ).toBe('ignore');
  });

  it('record a finished delivery on its Market order', () => {
    const finished = { orderId, tenantId: company, deliveredAt: '2026-03-02T09:00:00.000Z' } as DeliveryFinishedV1;
    const theirs = commandOf(appDeliveryFinished(finished, 'm-1'));
    const ours = deliveryFinishedPolicy(
      message('DeliveryFinished', { orderId, deliveredAt: finished.deliveredAt }),
      () => ({ streamId: 'marketplace_order-1001-70000', campaignId: company, orderId: '70000' }),
    );
    expect(theirs).toEqual({
      platformOrderId: orderId,
      campaignId: company,
      delivery: { finishedAt: finished.deliveredAt, messageId: 'm-1' },
    });
    expect(ours.kind === 'command' && ours.routed.command).toEqual({
      type: 'RecordDeliveryFinished',
      data: { campaignId: company, orderId: '70000', finishedAt: finished.deliveredAt },
    });
  });

  it('cancel the intake order when a cancellation is accepted', () => {
    const accepted = {
      orderId,
      tenantId: company,
      campaignId: 1001,
      marketOrderId: 70000,
      requestId: 'req-1',
      decidedBy: 'operator',
      decidedAt: '2026-03-02T08:00:00Z',
    } as CancellationAcceptedV1;
    const theirs = commandOf(
      cancelOnMarketplaceCancellation('MARKETPLACE_CANCELLATION_ACCEPTED', accepted, { orderCompany: company }),
    );
    const ours = cancelIntakeOrderPolicy(
      message('CancellationAccepted', { platformOrderId: orderId, companyId: company, requestId: 'req-1' }),
      () => company,
    );
    expect(ours.kind === 'command' && ours.routed).toMatchObject({
      streamId: `external_order-${theirs?.orderId}`,
      command: { type: 'CancelExternalOrder', data: theirs },
    });
    // Not received yet: both cancel it all the same (the decider keeps it for the order's arrival).
    const early = commandOf(
      cancelOnMarketplaceCancellation('MARKETPLACE_CANCELLATION_ACCEPTED', accepted, { orderCompany: undefined }),
    );
    const oursEarly = cancelIntakeOrderPolicy(
      message('CancellationAccepted', { platformOrderId: orderId, companyId: company, requestId: 'req-1' }),
      () => undefined,
    );
    expect(oursEarly.kind === 'command' && oursEarly.routed).toMatchObject({ command: { data: early } });
    // Another company's order: both leave it.
    expect(
      cancelOnMarketplaceCancellation('MARKETPLACE_CANCELLATION_ACCEPTED', accepted, { orderCompany: 'other' }).kind,
    ).toBe('ignore');
    expect(
      cancelIntakeOrderPolicy(
        message('CancellationAccepted', { platformOrderId: orderId, companyId: company, requestId: 'req-1' }),
        () => 'other',
      ).kind,
    ).toBe('ignore');
  });
});
