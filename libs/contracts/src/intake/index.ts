export * from './order-items';
export * from './external-orders';
export * from './order-events';
export * from './order-identity';
