import { auditOrder } from '../audit/audit-order';
import { isProjectionName, type RefoldScope } from '@orders/read-model-protocol';
import { checksum } from '../checksum/checksum';
import { statusCounts } from '../status-counts/status-counts';
import { SummaryRebuilder } from '../rebuild/rebuilder';
import { refold } from '../rebuild/refold';
import { ReadModelDb } from '../storage/read-model-db';

/**
 * The projector's maintenance entry, run as a process by the ops CLI (`npm run ops -- rebuild|audit|checksum|status-counts`):
 * the CLI never imports an app, it speaks this small protocol. argv: `<operation> <JSON arguments>`; stdout: one
 * JSON document per line, `{"type":"progress",...}` while working, then `{"type":"result","value":...}` or
 * `{"type":"error","code":...,"message":...}`; exit code 0 or 1. Works on the database alone: the service may be
 * running or not.
 */

interface Target {
  connection: string;
  schema: string;
}

type Args = Target & Record<string, unknown>;

const emit = (line: Record<string, unknown>): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);

async function withDb<T>(args: Args, migrate: boolean, work: (db: ReadModelDb) => Promise<T>): Promise<T> {
  const options = { connection: args.connection, schema: args.schema, poolSize: 3 };
  const db = migrate ? await ReadModelDb.create(options) : ReadModelDb.open(options);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const operations: Record<string, (args: Args) => Promise<unknown>> = {
  migrate: (args) => withDb(args, true, async () => ({ schema: args.schema })),
  rebuild: (args) => withDb(args, false, (db) => new SummaryRebuilder(db).rebuild({
    batchSize: args.batchSize as number | undefined, restart: args.restart === true,
    stopAfterBatches: args.stopAfterBatches as number | undefined,
    onProgress: (progress) => emit({ type: 'progress', ...progress }),
  })),
  refold: (args) => withDb(args, false, (db) => refold(db, args.scope as RefoldScope)),
  checksum: (args) => withDb(args, false, (db) => {
    const projection = String(args.projection);
    if (!isProjectionName(projection)) {
      throw Object.assign(new Error(`unknown projection ${projection}`), { code: 'UNKNOWN_PROJECTION' });
    }
    return checksum(db, projection, args.version as number | undefined);
  }),
  audit: (args) => withDb(args, false, (db) =>
    auditOrder(db, String(args.orderId), args.asOf ? new Date(String(args.asOf)) : undefined)),
  'status-counts': (args) => withDb(args, false, (db) => statusCounts(db, args.tenantId as string | undefined)),
};

/** Stable codes the CLI maps to exit codes; anything else is reported as an unavailable dependency. */
function codeOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? '';
  if (code === '42P01' || code === '3F000' || /has the projector run here/.test(message)) return 'NO_READ_MODELS';
  if (/does not host this topic-partition|UNKNOWN_TOPIC|not present in metadata/i.test(message)) return 'UNKNOWN_TOPIC';
  return code ?? 'FAILED';
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, json] = argv;
  const operation = name ? operations[name] : undefined;
  try {
    if (!operation) {
      const known = Object.keys(operations).join(', ');
      throw Object.assign(new Error(`unknown operation ${name}; one of ${known}`), { code: 'UNKNOWN_OPERATION' });
    }
    emit({ type: 'result', value: await operation(JSON.parse(json ?? '{}') as Args) });
    return 0;
  } catch (error) {
    emit({ type: 'error', code: codeOf(error), message: (error as Error).message });
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
