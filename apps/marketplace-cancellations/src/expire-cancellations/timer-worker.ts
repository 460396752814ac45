import { Inject, Injectable, Logger } from '@nestjs/common';
import { CANCELLATION_SETTINGS, type CancellationSettings } from '../marketplace-cancellations.config';
import { PollingWorker } from '../shared/worker-kit';
import { CancellationTimers } from './cancellation-timers';

/** Polls the schedule; deadlines are minutes to days away, so a poll (default 1 s) is precise enough. */
@Injectable()
export class TimerWorker extends PollingWorker {
  protected readonly logger = new Logger('TimerWorker');

  constructor(private readonly timers: CancellationTimers, @Inject(CANCELLATION_SETTINGS) private readonly settings: CancellationSettings) {
    super();
  }

  protected enabled(): boolean {
    return this.settings.runWorkers;
  }

  protected pollMs(): number {
    return this.settings.timerPollMs;
  }

  protected tick(): Promise<number> {
    return this.timers.fireBatch();
  }
}
