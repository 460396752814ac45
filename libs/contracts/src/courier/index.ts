export * from './positions';
export * from './delivery-events';
