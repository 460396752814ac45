export * from './marketplace-order/market-status';
export * from './marketplace-order/marketplace-order.events';
export * from './marketplace-order/marketplace-order.commands';
export * from './marketplace-order/marketplace-order.errors';
export * from './marketplace-order/marketplace-order.state';
export * from './marketplace-order/marketplace-order.decide';
export * from './marketplace-order/marketplace-order.decider';
