// The platform's one clock; this module keeps the service's imports of it short.
export { Clock, ManualClock, SystemClock } from '@orders/service-kit';
