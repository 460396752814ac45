import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { childEnvironment } from './ops-cli.config';
import type { ReadModelTarget } from './targets';

// The projector's read models are the projector's business: the CLI runs its maintenance entry
// (apps/projector/src/operations/main.ts) as a process and reads its JSON lines, rather than importing an app.

// `root` is the checkout, or dist/ when this file runs compiled (npm run build keeps the source layout there): the
// compiled CLI runs the compiled entry with plain node, the sources run the .ts entry through swc.
const root = join(__dirname, '..', '..', '..');
const compiled = __filename.endsWith('.js');
const entry = join(root, 'apps', 'projector', 'src', 'operations', compiled ? 'main.js' : 'main.ts');

/** How the entry is started: plain node when compiled, never a TypeScript loader in an image. */
function projectorEntry(): { args: string[]; env: Record<string, string> } {
  return compiled
    ? { args: [entry], env: {} }
    : { args: ['-r', '@swc-node/register', entry], env: { SWC_NODE_PROJECT: join(root, 'tsconfig.json') } };
}

export class ProjectorOperationError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ProjectorOperationError';
  }
}

/** Runs one projector operation; `onProgress` gets its progress lines; resolves its result or throws its error. */
export function runProjectorOperation<T>(
  operation: string, target: ReadModelTarget, args: Record<string, unknown>, onProgress?: (progress: Record<string, unknown>) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = projectorEntry();
    const child = spawn(process.execPath, [...start.args, operation, JSON.stringify({ ...target, ...args })], {
      // Handed on, not read: the projector's entry validates its own configuration.
      cwd: root, env: childEnvironment(start.env), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let outcome: { type: string; value?: unknown; code?: string; message?: string } | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { type: string } & Record<string, unknown>;
        if (message.type === 'progress') onProgress?.(message);
        else outcome = message;
      }
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      if (outcome?.type === 'result') resolve(outcome.value as T);
      else if (outcome?.type === 'error') reject(new ProjectorOperationError(outcome.code ?? 'FAILED', outcome.message ?? 'failed'));
      else reject(new ProjectorOperationError('CRASHED', `projector operation ${operation} exited ${exitCode} without a result: ${stderr.trim().slice(-500)}`));
    });
  });
}
