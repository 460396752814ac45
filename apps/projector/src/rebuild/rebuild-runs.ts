import { ConflictException, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SUMMARY_PROJECTION, type RebuildProgress, type RebuildResult } from '@orders/read-model-protocol';
import { Subject, type Observable } from 'rxjs';
import { ReadModelDb } from '../storage/read-model-db';
import { RebuildAlreadyRunning, SummaryRebuilder } from './rebuilder';

/** A rebuild this process started on an operator's request, as the console follows it. */
export interface RebuildRun {
  projection: string;
  status: 'running' | 'done' | 'failed' | 'stopped';
  startedBy: string;
  startedAt: string;
  /** The latest progress line (null until the first batch is planned). */
  progress: RebuildProgress | null;
  result: RebuildResult | null;
  error: { code: string; message: string } | null;
}

export interface StartRebuild {
  startedBy: string;
  batchSize?: number;
  restart?: boolean;
}

const codeOf = (error: unknown): string => (error as { code?: unknown }).code?.toString() ?? 'FAILED';

/**
 * The rebuild the operators' console starts: the same use case as `npm run ops -- rebuild` (SummaryRebuilder), run
 * inside the service, one at a time. The advisory lock in the rebuilder keeps it exclusive across processes too (a
 * CLI rebuild running elsewhere answers 409 here). Progress is pushed to every follower as it comes.
 */
@Injectable()
export class RebuildRuns implements OnApplicationShutdown {
  private last: RebuildRun | null = null;
  private running?: Promise<unknown>;
  private readonly stop = new AbortController();
  private readonly changes = new Subject<RebuildRun>();

  constructor(private readonly db: ReadModelDb) {}

  /** The latest run (under way or finished); null when none was started since the service started. */
  current(): RebuildRun | null {
    return this.last;
  }

  /** Each change of the run: progress lines, then its end. */
  updates(): Observable<RebuildRun> {
    return this.changes.asObservable();
  }

  /**
   * Starts a rebuild and answers once it holds the lock and has planned its first batch (or refused): 409 when one
   * runs, here or in another process.
   */
  async start(request: StartRebuild): Promise<RebuildRun> {
    if (this.last?.status === 'running') throw this.busy(`a rebuild started by ${this.last.startedBy} is under way`);
    const run: RebuildRun = {
      projection: SUMMARY_PROJECTION,
      status: 'running',
      startedBy: request.startedBy,
      startedAt: new Date().toISOString(),
      progress: null,
      result: null,
      error: null,
    };
    const previous = this.last;
    let state = run;
    const publish = (next: RebuildRun): void => {
      state = next;
      this.last = next;
      this.changes.next(next);
    };
    this.last = run;
    let began: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (began = resolve));
    const rebuild = new SummaryRebuilder(this.db).rebuild({
      batchSize: request.batchSize,
      restart: request.restart,
      signal: this.stop.signal,
      onProgress: (progress) => {
        publish({ ...state, progress });
        began();
      },
    });
    this.running = rebuild.then(
      (result) => publish({ ...state, status: result.interrupted ? 'stopped' : 'done', result }),
      (error: Error) => {
        // A refusal is answered by start() with a 409; the run never began.
        if (error instanceof RebuildAlreadyRunning) return;
        publish({ ...state, status: 'failed', error: { code: codeOf(error), message: error.message } });
      },
    );
    try {
      await Promise.race([first, rebuild]);
    } catch (error) {
      if (error instanceof RebuildAlreadyRunning) {
        this.last = previous;
        throw this.busy(`${error.message} (ops rebuild, or another instance)`);
      }
      throw error;
    }
    return state;
  }

  async onApplicationShutdown(): Promise<void> {
    // Stops between batches; the checkpointed rebuild is resumed by the next one.
    this.stop.abort();
    await this.running;
    this.changes.complete();
  }

  private busy(message: string): ConflictException {
    return new ConflictException({ code: 'REBUILD_ALREADY_RUNNING', message });
  }
}
