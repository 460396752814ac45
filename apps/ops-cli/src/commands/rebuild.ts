import {
  isProjectionName, SUMMARY_PROJECTION, type RebuildProgress, type RebuildResult, type RefoldResult, type RefoldScope,
} from '@orders/read-model-protocol';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { formatSeconds, progressBar, type Io } from '../output';
import { ProjectorOperationError, runProjectorOperation } from '../projector-operations';
import type { ReadModelTarget } from '../targets';

export interface RebuildCommandOptions {
  json: boolean;
  from?: string;
  only?: string;
  restart: boolean;
  batchSize: number;
}

/** `--only order:<id>` or `--only company:<id>`; `--from <position>` (digits) or `--from <ISO time>`. */
export function refoldScope(options: Pick<RebuildCommandOptions, 'from' | 'only'>): RefoldScope | undefined {
  if (options.from !== undefined && options.only !== undefined) throw new UsageError('give --from or --only, not both');
  if (options.only !== undefined) {
    const match = /^(order|company):(.+)$/.exec(options.only);
    if (!match) throw new UsageError('--only takes order:<order id> or company:<company id>');
    const id = match[2] as string;
    return match[1] === 'order' ? { kind: 'order', orderId: id } : { kind: 'company', tenantId: id };
  }
  if (options.from !== undefined) {
    if (/^\d+$/.test(options.from)) return { kind: 'from-position', position: options.from };
    const at = new Date(options.from);
    if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(options.from)) {
      throw new UsageError('--from takes a journal position (digits) or an ISO-8601 time');
    }
    return { kind: 'from-time', at: at.toISOString() };
  }
  return undefined;
}

/**
 * `rebuild <projection> [--from p|t] [--only order:id|company:id]`. Without a scope: a blue/green rebuild of the
 * whole summary (resumes one a crash left running, unless `--restart`), with a progress bar. With a scope: the
 * orders in it are re-folded in place, in one transaction.
 */
export async function rebuild(
  projection: string | undefined, target: ReadModelTarget, options: RebuildCommandOptions, io: Io,
): Promise<ExitCode> {
  if (!projection || !isProjectionName(projection)) {
    throw new UsageError(`rebuild needs a projection: ${SUMMARY_PROJECTION}`);
  }
  if (projection !== SUMMARY_PROJECTION) {
    throw new UsageError(
      `${projection} is the projector's journal of consumed events, the source every rebuild reads; ` +
        'it is not rebuilt (checksum it instead)',
    );
  }
  const scope = refoldScope(options);
  if (scope) {
    const result = await runProjectorOperation<RefoldResult>('refold', target, { scope });
    io.out(options.json ? JSON.stringify({ projection, scope, ...result }, null, 2)
      : `re-folded ${result.orders} order(s) from ${result.events} event(s) in ${projection} v${result.version}`);
    return EXIT.ok;
  }
  try {
    const args = { batchSize: options.batchSize, restart: options.restart };
    const result = await runProjectorOperation<RebuildResult>('rebuild', target, args, (line) => {
      const p = line as unknown as RebuildProgress;
      const phase = p.phase === 'building' ? (p.resumed ? 'resuming' : 'building') : p.phase;
      const bar = progressBar(p.processed, p.total, formatSeconds(p.etaSeconds));
      io.progress?.(`${phase} ${projection} v${p.version} ${bar}`);
    });
    if (!options.json) io.progress?.('');
    io.out(options.json ? JSON.stringify(result, null, 2)
      : `${projection}: v${result.version} serves now (was v${result.previousVersion}); ${result.processed} events ` +
        `folded in ${(result.durationMs / 1000).toFixed(1)} s` +
        `${result.resumed ? ', resumed after an interruption' : ''}`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ProjectorOperationError && error.code === 'REBUILD_ALREADY_RUNNING') {
      io.err(`ops: ${error.message}; wait for it, or run again after it stopped (a crashed rebuild is resumed)`);
      return EXIT.busy;
    }
    throw error;
  }
}
