import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../output';
import { ProjectorOperationError, runProjectorOperation } from '../projector-operations';
import { quoted, withPool } from '../stores';
import type { ReadModelTarget } from '../targets';
import type { ProjectionChecksum } from '@orders/read-model-protocol';

/** The summary versions the read-model schema holds (blue/green tables `order_summary_v<n>`), oldest first. */
async function summaryVersions(target: ReadModelTarget): Promise<{ versions: number[]; serving?: number }> {
  return withPool(target.connection, async (pool) => {
    const { rows } = await pool.query<{ version: number }>(
      `SELECT substring(table_name from '^order_summary_v([0-9]+)$')::int AS version FROM information_schema.tables
        WHERE table_schema = $1 AND table_name ~ '^order_summary_v[0-9]+$' ORDER BY 1`,
      [target.schema],
    );
    const serving = await pool
      .query<{ version: number }>(
        `SELECT active_version AS version FROM ${quoted(target.schema)}.projections WHERE name = 'order-summary'`,
      )
      .then(
        (r) => r.rows[0]?.version,
        () => undefined,
      );
    return { versions: rows.map((r) => r.version), serving };
  });
}

/** `checksum <projection> [--version n]`: a deterministic md5 of the read model's content, to compare two builds. */
export async function checksum(
  projection: string,
  target: ReadModelTarget,
  options: { json: boolean; version?: number },
  io: Io,
): Promise<ExitCode> {
  try {
    const result = await runProjectorOperation<ProjectionChecksum>('checksum', target, {
      projection,
      version: options.version,
    });
    io.out(
      options.json
        ? JSON.stringify(result, null, 2)
        : `${result.projection}${result.version === null ? '' : ` v${result.version}`}  ` +
          `${result.rows} rows  ${result.checksum}`,
    );
    return EXIT.ok;
  } catch (error) {
    // The projector answers a missing table the same way for a missing version and for no read models at all;
    // only the schema's tables tell them apart.
    if (options.version === undefined || !(error instanceof ProjectorOperationError) || error.code !== 'NO_READ_MODELS')
      throw error;
    const { versions, serving } = await summaryVersions(target);
    if (versions.length === 0) throw error;
    io.err(
      `ops: no version ${options.version} of ${projection} in schema ${target.schema}; ` +
        `versions present: ${versions.join(', ')}${serving === undefined ? '' : ` (v${serving} serves)`}`,
    );
    return EXIT.problemFound;
  }
}
