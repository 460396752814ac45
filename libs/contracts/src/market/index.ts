export * from './market-openapi';
