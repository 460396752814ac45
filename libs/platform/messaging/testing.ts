// `@orders/messaging/testing`: generated hostile messages and a round runner for the services' hostile-input suites.
// A separate entry so the library itself never loads fast-check or a test producer.
export * from './src/testing/hostile-messages';
export * from './src/testing/hostile-round';
export * from './src/testing/broker-proxy';
