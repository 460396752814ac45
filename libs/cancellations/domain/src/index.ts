export * from './marketplace-order/market-status';
export * from './marketplace-order/events';
export * from './marketplace-order/commands';
export * from './marketplace-order/errors';
export * from './marketplace-order/state';
export * from './marketplace-order/decide';
export * from './marketplace-order/decider';
