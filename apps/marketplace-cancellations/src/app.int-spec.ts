import { describeServiceShell } from '@orders/service-kit/testing';
import { marketplaceCancellationsService } from './marketplace-cancellations.definition';

describeServiceShell(marketplaceCancellationsService, async () => (await import('./app.module')).AppModule);
