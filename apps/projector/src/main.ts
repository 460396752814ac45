import 'reflect-metadata';
import { bootstrap } from '@orders/service-kit';
import { AppModule } from './app.module';

void bootstrap(AppModule);
