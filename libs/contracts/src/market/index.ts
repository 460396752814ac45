export * from './market-openapi';
export * from './market-dates';
export * from './market-limits';
export * from './market-components';
