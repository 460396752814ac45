import type { DeliveryStatus } from '@orders/delivery-domain';

/** The values of iiko / Syrve `DeliveryStatus` (D-IIKO-DS8) that an order of this service can be in. */
export const IIKO_DELIVERY_STATUSES = ['OnWay', 'Delivered', 'Closed', 'Cancelled'] as const;
export type IikoDeliveryStatus = (typeof IIKO_DELIVERY_STATUSES)[number];

export interface IikoDeliveryState {
  /** iiko's `IDeliveryOrder.DeliveryStatus`; null for `partially_finished`, which iiko has no status for. */
  readonly delivery_status: IikoDeliveryStatus | null;
  /** The delivery is closed (iiko `DeliveryStatus.Closed`): a close time is set. */
  readonly closed: boolean;
}

/**
 * The order as iiko's delivery operations see it (seeds 000/001), beside the Track & Trace `status`: closing moves
 * Delivered to Closed and a null close time moves it back, so the closed state is a status, not only `close_time`.
 * iiko's SetDeliveryDelivered acts on an OnWay delivery and SetDeliveryUndelivered returns it there; ours act on every
 * open status (new, confirmed, postponed) and return to confirmed, so all three are OnWay here. Delivered is exactly
 * what the close rule accepts (`finished`).
 */
export function iikoDeliveryStateOf(order: {
  readonly status: DeliveryStatus;
  readonly close_time: string | null;
}): IikoDeliveryState {
  const closed = order.close_time !== null;
  switch (order.status) {
    case 'finished':
      return { delivery_status: closed ? 'Closed' : 'Delivered', closed };
    case 'cancelled':
      return { delivery_status: 'Cancelled', closed };
    case 'partially_finished':
      return { delivery_status: null, closed };
    default:
      return { delivery_status: 'OnWay', closed };
  }
}
