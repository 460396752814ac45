import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import type { Io } from '../output';
import { runProjectorOperation } from '../projector-operations';
import type { ReadModelTarget } from '../targets';
import { PROJECTIONS, type ProjectionChecksum } from './read-models';

/** `checksum <projection> [--version n]`: a deterministic md5 of the read model's content, to compare two builds. */
export async function checksum(projection: string | undefined, target: ReadModelTarget, options: { json: boolean; version?: number }, io: Io): Promise<ExitCode> {
  if (!projection || !(PROJECTIONS as readonly string[]).includes(projection)) throw new UsageError(`checksum needs a projection: ${PROJECTIONS.join(' | ')}`);
  const result = await runProjectorOperation<ProjectionChecksum>('checksum', target, { projection, version: options.version });
  io.out(options.json ? JSON.stringify(result, null, 2)
    : `${result.projection}${result.version === null ? '' : ` v${result.version}`}  ${result.rows} rows  ${result.checksum}`);
  return EXIT.ok;
}
