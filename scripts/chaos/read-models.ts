import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'apps', 'projector', 'src', 'operations', 'main.ts');
export const READ_MODEL_SCHEMA = 'projector';

/** Runs one of the projector's maintenance operations (the entry `npm run ops` runs) and answers its result. */
function operation<T>(name: string, args: Record<string, unknown>, compiledTree?: string): Promise<T> {
  const entry = compiledTree
    ? [join(compiledTree, 'apps', 'projector', 'src', 'operations', 'main.js')]
    : ['-r', '@swc-node/register', ENTRY];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, name, JSON.stringify(args)], {
      cwd: ROOT, env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', () => {
      const last = out.trim().split('\n').map((line) => JSON.parse(line) as { type: string; value?: T; message?: string })
        .filter((line) => line.type !== 'progress').pop();
      if (last?.type === 'result') resolve(last.value as T);
      else reject(new Error(`projector ${name}: ${last?.message ?? err.slice(-500)}`));
    });
  });
}

interface Checksum {
  version: number | null;
  rows: number;
  checksum: string;
}

export interface ReadModelComparison {
  readonly live: Checksum;
  readonly rebuilt: Checksum;
  readonly equal: boolean;
}

/**
 * The order summary the projector kept live through the faults, against a blue/green rebuild from its journal (the
 * ops CLI's `rebuild order-summary`, then `checksum` of both versions): equal sums, equal read models.
 */
export async function compareWithRebuild(connection: string, compiledTree?: string): Promise<ReadModelComparison> {
  const target = { connection, schema: READ_MODEL_SCHEMA };
  const live = await operation<Checksum>('checksum', { ...target, projection: 'order-summary' }, compiledTree);
  await operation('rebuild', { ...target }, compiledTree);
  const rebuilt = await operation<Checksum>('checksum', { ...target, projection: 'order-summary' }, compiledTree);
  return { live, rebuilt, equal: live.checksum === rebuilt.checksum && live.rows === rebuilt.rows && live.version !== rebuilt.version };
}
