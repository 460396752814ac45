// The clock is the platform's (service-kit provides it to every service); this re-export only keeps the service's
// existing imports stable while other work moves them.
export { Clock, ManualClock, SystemClock } from '@orders/service-kit';
