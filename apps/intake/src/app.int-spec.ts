import { describeServiceShell } from '@orders/service-kit/testing';
import { intakeService } from './intake.definition';

describeServiceShell(intakeService, async () => (await import('./app.module')).AppModule);
