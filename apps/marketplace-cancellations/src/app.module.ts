import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@orders/service-kit';
import { marketplaceCancellationsService } from './marketplace-cancellations.definition';

@Module({
  // No migrations yet: the event store brings its own; they run on start-up.
  imports: [ServiceKitModule.forRoot(marketplaceCancellationsService, { migrations: [] })],
})
export class AppModule {}
