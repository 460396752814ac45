export * from './external-order.events';
export * from './external-order.state';
export * from './external-order.commands';
export * from './external-order.errors';
export * from './external-order.decider';
export { decide } from './external-order.decide';
export { checkItems, itemsTotal, sameItems } from './order-items';
export * from './external-order.upcasters';
