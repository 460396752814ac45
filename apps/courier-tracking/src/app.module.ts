import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@orders/service-kit';
import { courierTrackingService } from './courier-tracking.definition';

@Module({
  // No migrations yet: the event store brings its own; they run on start-up.
  imports: [ServiceKitModule.forRoot(courierTrackingService, { migrations: [] })],
})
export class AppModule {}
