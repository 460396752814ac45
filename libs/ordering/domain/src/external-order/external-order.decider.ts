import type { Decider } from '@orders/decider-kit';
import type { ExternalOrderCommand } from './external-order.commands';
import { decide } from './external-order.decide';
import type { ExternalOrderEvent } from './external-order.events';
import { evolve, initialState, type ExternalOrderState } from './external-order.state';

/** An order from a web site, an aggregator or a marketplace, from arrival to archive (Carbis mini-delivery, S-CARBIS). */
export const externalOrderDecider: Decider<ExternalOrderCommand, ExternalOrderEvent, ExternalOrderState> = { decide, evolve, initialState };

export const EXTERNAL_ORDER_STREAM_TYPE = 'external_order';

/** One stream per order; the id is derived from (company, source, external id) at the edge. */
export const externalOrderStreamId = (orderId: string): string => `${EXTERNAL_ORDER_STREAM_TYPE}-${orderId}`;
