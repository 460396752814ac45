export * from './market-openapi';
export * from './market-dates';
export * from './market-limits';
