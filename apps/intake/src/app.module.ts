import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@orders/service-kit';
import { intakeService } from './intake.definition';

@Module({
  // No migrations yet: the event store brings its own; they run on start-up.
  imports: [ServiceKitModule.forRoot(intakeService, { migrations: [] })],
})
export class AppModule {}
