export { SimulatedMarket, type SimulatedMarketOptions } from './simulated-market';
export type { ReceivedRequest } from './market-request';
export type { SentNotification } from './market-notifier';
export type { NewOrder, SimulatedOrder } from './simulated-orders';
export { orderDto } from './simulated-orders';
