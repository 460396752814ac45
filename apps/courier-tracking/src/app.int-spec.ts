import { describeServiceShell } from '@orders/service-kit/testing';
import { courierTrackingService } from './courier-tracking.definition';

describeServiceShell(courierTrackingService, async () => (await import('./app.module')).AppModule);
