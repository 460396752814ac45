// `@orders/event-store/testing`: fixtures for integration tests (a store in a fresh schema of `orders_test`).
export * from './src/testing';
