import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serviceNodeFlags } from '../../scripts/lib/runtime-flags';
import { profileFlags } from './profile-flags';

// A service under benchmark as a process of its own (as deployed: its own event loop, so the load generator in the
// bench process does not slow it down). A service (`apps/<app>/src/main.ts`) runs from the compiled build, as the
// image runs it (`npm run bench` builds first): no compiler in its memory or start-up. BENCH_FROM_SOURCE=1 runs it
// from TypeScript through swc instead; the benches' own helpers (bare baselines) always run that way.

const ROOT = join(__dirname, '..', '..');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
  });
}

const SERVICE_ENTRY = /^apps\/([a-z-]+)\/src\/main\.ts$/;

/** The compiled entry of a service's source entry, when it is one and the build holds it. */
function compiledEntry(entry: string): string | undefined {
  const app = SERVICE_ENTRY.exec(entry)?.[1];
  if (app === undefined || process.env.BENCH_FROM_SOURCE === '1') return undefined;
  const compiled = join('dist', 'apps', app, 'main.js');
  if (!existsSync(join(ROOT, compiled)))
    throw new Error(`${compiled} is missing: run npm run build (npm run bench does)`);
  return compiled;
}

/**
 * The arguments of `node` that run `entry` as the bench runs it: a service compiled, with the image's node flags (the
 * Dockerfile's CMD: scripts/lib/runtime-flags.js); anything else through swc, as it is.
 */
export function serviceArgs(entry: string): string[] {
  const compiled = compiledEntry(entry);
  const flags = SERVICE_ENTRY.test(entry) ? serviceNodeFlags() : [];
  return [...profileFlags(), ...flags, ...(compiled ? [compiled] : ['-r', '@swc-node/register', entry])];
}

/** Starts `entry` with exactly the bench's environment plus `env`, minus the variables named in `unset`. */
export function startService(
  entry: string,
  env: Record<string, string>,
  unset: (name: string) => boolean = () => false,
) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset(name)));
  const child = spawn(process.execPath, serviceArgs(entry), {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...inherited, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
  });
  child.on('exit', (code, signal) => {
    if (code) console.error(`${entry} exited with ${code ?? signal}`);
  });
  return child;
}

export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Waits until the service answers 200 on /health/live. */
export async function untilLive(port: number, timeoutMs = 120_000): Promise<void> {
  const answers = () =>
    new Promise<boolean>((resolve) => {
      get({ host: '127.0.0.1', port, path: '/health/live' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      }).on('error', () => resolve(false));
    });
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await answers()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing answered on port ${port}`);
}

/** CPU seconds (user + system) the process has used so far (Linux /proc; 0 elsewhere). */
export function cpuSeconds(child: ChildProcess): number {
  try {
    // utime and stime are the 14th and 15th fields; the 2nd (the command) may hold spaces, so count after its ')'
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(')').pop()?.trim().split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds (user + system) used so far by every PostgreSQL server process on this machine (Linux /proc): the
 * database's share of a workload, read before and after it. The server is shared, so only a quiet machine gives a
 * figure that belongs to the workload alone.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Resident set size of a process in MiB (Linux /proc; 0 elsewhere or once it has exited). */
export function residentMiB(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid ?? 'self'}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples processes' RSS every `everyMs` while running and keeps each one's highest figure: the memory a service
 * needs under its benchmark's load (the idle figure is one `residentMiB` before the load starts).
 */
export class PeakResident {
  readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pids: Record<string, () => number | undefined>,
    private readonly everyMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): Map<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, residentMiB(pid())));
    }
  }
}
