import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake-settings';
import { pruneBoardChanges } from './board-changes-pruning';

/**
 * Keeps the board's change feed (`intake_board_changes`, what a reconnecting board stream replays) to the last
 * INTAKE_BOARD_CHANGES_RETENTION_HOURS (24 by default): prunes at start and then every
 * INTAKE_BOARD_CHANGES_PRUNE_INTERVAL_MS. Every instance runs it; their deletes of the same prefix are harmless.
 * A stream resuming from a pruned number is told to reload (board.resync), never silently short.
 */
@Injectable()
export class BoardChangesPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BoardChangesPruner');
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly store: EventStore,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.boardChanges.pruneIntervalMs === 0) return;
    this.prune();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private prune(): void {
    this.running = pruneBoardChanges({
      pool: this.store.pool,
      retentionMs: this.settings.boardChanges.retentionMs,
      signal: this.stop.signal,
    })
      .then(
        (pruned) => {
          if (pruned > 0) this.logger.log(`pruned ${pruned} board change(s) past the retention`);
        },
        (error: Error) => this.logger.warn(`board changes not pruned: ${error.message}; trying again next time`),
      )
      .finally(() => {
        if (!this.stop.signal.aborted)
          this.timer = setTimeout(() => this.prune(), this.settings.boardChanges.pruneIntervalMs).unref();
      });
  }
}
