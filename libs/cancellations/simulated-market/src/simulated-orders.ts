import { marketDate, marketDateTime } from '@orders/contracts';

/** A buyer's cancellation as the simulated Market holds it, and the shop's answer once given. */
export interface SimulatedCancellation {
  readonly requestedAt: string;
  decision?: { readonly accepted: boolean; readonly reason?: string; readonly at: string };
}

export interface SimulatedOrder {
  readonly campaignId: number;
  readonly orderId: number;
  status: string;
  substatus: string;
  readonly paymentType: 'PREPAID' | 'POSTPAID';
  readonly createdAt: string;
  updatedAt: string;
  readonly items: readonly { offerId: string; count: number }[];
  cancellation?: SimulatedCancellation;
}

export interface NewOrder {
  campaignId: number;
  orderId: number;
  status?: string;
  substatus?: string;
  paymentType?: 'PREPAID' | 'POSTPAID';
  items?: { offerId: string; count: number }[];
}

/** The orders of the simulated Market, by campaign and order id. */
export class SimulatedOrders {
  private readonly orders = new Map<string, SimulatedOrder>();

  static key(campaignId: number, orderId: number): string {
    return `${campaignId}/${orderId}`;
  }

  add(order: NewOrder, at: string): SimulatedOrder {
    const held: SimulatedOrder = {
      campaignId: order.campaignId,
      orderId: order.orderId,
      status: order.status ?? 'PROCESSING',
      substatus: order.substatus ?? 'STARTED',
      paymentType: order.paymentType ?? 'PREPAID',
      createdAt: at,
      updatedAt: at,
      items: order.items ?? [{ offerId: `sku-${order.orderId}`, count: 1 }],
    };
    this.orders.set(SimulatedOrders.key(order.campaignId, order.orderId), held);
    return held;
  }

  get(campaignId: number, orderId: number): SimulatedOrder | undefined {
    return this.orders.get(SimulatedOrders.key(campaignId, orderId));
  }

  /** Orders of a campaign whose buyer waits for the shop's answer (Market's onlyWaitingForCancellationApprove). */
  waitingForApprove(campaignId: number): SimulatedOrder[] {
    return [...this.orders.values()].filter(
      (o) => o.campaignId === campaignId && o.cancellation !== undefined && o.cancellation.decision === undefined,
    );
  }

  ofCampaign(campaignId: number): SimulatedOrder[] {
    return [...this.orders.values()].filter((o) => o.campaignId === campaignId);
  }
}

const PRICE = 1000;

/** An order as Market's OrderDTO writes it: every field its schema requires, no person named. */
export function orderDto(order: SimulatedOrder): Record<string, unknown> {
  const created = new Date(order.createdAt);
  const total = order.items.reduce((sum, item) => sum + item.count * PRICE, 0);
  return {
    id: order.orderId,
    status: order.status,
    substatus: order.substatus,
    creationDate: marketDateTime(created),
    updatedAt: marketDateTime(new Date(order.updatedAt)),
    currency: 'RUR',
    itemsTotal: total,
    deliveryTotal: 0,
    buyerItemsTotalBeforeDiscount: total,
    paymentType: order.paymentType,
    paymentMethod: order.paymentType === 'PREPAID' ? 'YANDEX' : 'CASH_ON_DELIVERY',
    fake: false,
    taxSystem: 'OSN',
    cancelRequested: order.cancellation !== undefined && order.cancellation.decision === undefined,
    items: order.items.map((item, index) => ({
      id: index + 1,
      offerId: item.offerId,
      offerName: item.offerId,
      price: PRICE,
      buyerPrice: PRICE,
      buyerPriceBeforeDiscount: PRICE,
      count: item.count,
      vat: 'VAT_20',
    })),
    delivery: {
      type: 'DELIVERY',
      serviceName: 'Собственная служба доставки',
      deliveryPartnerType: 'SHOP',
      deliveryServiceId: 99,
      dispatchType: 'BUYER',
      dates: { fromDate: marketDate(created), toDate: marketDate(created) },
      region: { id: 213, name: 'Москва', type: 'CITY' },
      address: { country: 'Россия', city: 'Москва' },
    },
    buyer: { type: 'PERSON' },
  };
}
