// There is no Docker engine on the build machines, so the Dockerfile is held to its promises statically: a build
// stage that compiles, a runtime stage with only dist/ and production dependencies, not root, no compiler at run
// time, a Node version every dependency supports. The real `docker build` runs in build.int-spec.ts when Docker is
// there, and says why it did not otherwise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNodeFlags } from '../lib/runtime-flags';

const root = join(__dirname, '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray;
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [, from, name] = /^(\S+)(?: AS (\S+))?$/i.exec(instruction.args) as RegExpExecArray;
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else if (stages.length === 0) {
      args.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { args, stages };
}

const { args, stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}; stages: ${stages.map((s) => s.name).join(', ')}`);
  return found;
};
const all = (s: Stage, keyword: string): string[] => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const runtime = stages[stages.length - 1];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
const COMPILERS = /@swc|swc-node|ts-node|\btsx\b|\btsc\b|typescript|\.ts\b/;

describe('Dockerfile', () => {
  it('ends in the runtime stage `service`, which docker-compose.yml targets', () => {
    expect(runtime.name).toBe('service');
    expect(stages.map((s) => s.name)).toEqual(['manifests', 'build', 'deps', 'service']);
  });

  it('installs every dependency and compiles in the build stage', () => {
    const runs = all(stage('build'), 'RUN');
    expect(runs).toContainEqual(expect.stringMatching(/^npm ci\b(?!.*--omit=dev)/));
    expect(runs).toContainEqual(expect.stringMatching(/^npm run build\b/));
  });

  it('installs only production dependencies for the runtime, without the workspace links to sources', () => {
    const runs = all(stage('deps'), 'RUN').join(' && ');
    expect(runs).toMatch(/npm ci --omit=dev/);
    expect(runs).toMatch(/rm -rf node_modules\/@orders/);
  });

  it('copies only the compiled tree and the production node_modules into the runtime stage', () => {
    const copies = all(runtime, 'COPY');
    expect(copies.sort()).toEqual(['--from=build /src/dist ./dist', '--from=deps /app/node_modules ./node_modules']);
  });

  it('runs as the unprivileged node user in production mode', () => {
    const users = all(runtime, 'USER');
    expect(users).toEqual(['node']);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes after the last COPY, so nothing later runs as root.
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('COPY'));
    expect(keywords.lastIndexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(all(runtime, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('starts the compiled entry with plain node: no compiler or TypeScript in CMD, ENTRYPOINT or NODE_OPTIONS', () => {
    const [cmd] = all(runtime, 'CMD');
    expect(cmd).toMatch(/exec node (--[\w-]+(=\S+)? )*dist\/apps\/\$APP\/main\.js/);
    expect(all(runtime, 'ENTRYPOINT')).toEqual([]);
    for (const line of [cmd, ...all(runtime, 'ENV')]) expect(line).not.toMatch(COMPILERS);
  });

  it("caps V8's young generation in CMD, where npm start and the benches read the services' flags", () => {
    const [cmd] = all(runtime, 'CMD');
    expect(serviceNodeFlags()).toEqual([expect.stringMatching(/^--max-semi-space-size=\d+$/)]);
    for (const flag of serviceNodeFlags()) expect(cmd).toContain(`node ${flag} `);
    // Not in the image's NODE_OPTIONS, which an operator's NODE_OPTIONS (source maps, say) would replace.
    expect(all(runtime, 'ENV').join(' ')).not.toMatch(/NODE_OPTIONS/);
  });

  it('checks its health on /health/live', () => {
    expect(all(runtime, 'HEALTHCHECK').join(' ')).toMatch(/\/health\/live/);
  });

  it('needs no compiler at run time: swc and TypeScript are dev dependencies only', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => COMPILERS.test(name))).toEqual([]);
  });

  it("uses one Node major for every stage, within package.json's engines", () => {
    const version = args.find((a) => a.keyword === 'ARG' && a.args.startsWith('NODE_VERSION='))?.args.split('=')[1];
    expect(stages.every((s) => s.from === 'node:${NODE_VERSION}-bookworm-slim')).toBe(true);
    const floor = /^>=(\d+)\.(\d+)\.\d+$/.exec(pkg.engines.node);
    expect(floor).not.toBeNull();
    // A bare major tag (node:22) is that line's newest release, so the major at or above the floor's is enough.
    expect(Number(version)).toBeGreaterThanOrEqual(Number(floor?.[1]));
  });
});
