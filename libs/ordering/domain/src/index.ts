export * from './external-order';
