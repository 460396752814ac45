import 'reflect-metadata';
import { startMessaging } from '@orders/messaging/nest';
import { bootstrap } from '@orders/service-kit';
import { AppModule } from './app.module';

// HTTP first; Kafka connects in the background (the platform's one lifecycle), so a broker that is down never
// stops the service from booting.
void bootstrap(AppModule).then((app) => app && startMessaging(app));
