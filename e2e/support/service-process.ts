import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
const STOP_GRACE_MS = 15_000;
const POLL_MS = 250;

/**
 * One service run as `npm start` runs it: `node -r @swc-node/register apps/<dir>/src/main.ts` from the repository
 * root, with its own environment. Its output goes to a log file (kept after the run for a post-mortem).
 */
export class ServiceProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  /** `args`: what `node` runs (a bench passes the compiled build's entry); the TypeScript source by default. */
  constructor(readonly dir: string, readonly port: number, env: NodeJS.ProcessEnv, readonly logFile: string,
    args: readonly string[] = ['-r', '@swc-node/register', join('apps', dir, 'src', 'main.ts')]) {
    // Appended: a restarted service (chaos scenarios) keeps its earlier lives' lines in the same file.
    const log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(process.execPath, args, {
      cwd: REPO_ROOT, env: { ...env, PORT: String(port), SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    // A jest worker that dies without running afterAll must not leave a service running.
    process.once('exit', () => this.child.kill('SIGKILL'));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id, for its resident memory (undefined once it could not start). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for `GET /health` to answer 200 (database and Kafka up); fails early with the log's tail if it exits. */
  async healthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.dir} exited before it was healthy:\n${this.logTail()}`);
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(3000) });
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = String((error as { cause?: { code?: string } }).cause?.code ?? error);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`${this.dir} not healthy after ${timeoutMs} ms (${last}):\n${this.logTail()}`);
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited in time. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL, as a crash would: no shutdown hook runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Sends a signal (e.g. SIGUSR2 to a chaos preload) without waiting for anything. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
