import { checksum as sum, isProjectionName, PROJECTIONS } from '@orders/projector/src/operations';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import type { Io } from '../output';
import type { ReadModelTarget } from '../targets';
import { withReadModels } from './read-models';

/** `checksum <projection> [--version n]`: a deterministic md5 of the read model's content, to compare two builds. */
export async function checksum(projection: string | undefined, target: ReadModelTarget, options: { json: boolean; version?: number }, io: Io): Promise<ExitCode> {
  if (!projection || !isProjectionName(projection)) throw new UsageError(`checksum needs a projection: ${PROJECTIONS.join(' | ')}`);
  const result = await withReadModels(target, (db) => sum(db, projection, options.version));
  io.out(options.json ? JSON.stringify(result, null, 2)
    : `${result.projection}${result.version === null ? '' : ` v${result.version}`}  ${result.rows} rows  ${result.checksum}`);
  return EXIT.ok;
}
