export * from './notifications';
export * from './cancellation-events';
