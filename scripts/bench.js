#!/usr/bin/env node
// `npm run bench -- <suite> [args]`: the single entry for benchmarks. A suite is bench/<suite>/main.ts; it
// starts the stack it needs, measures ours against a raw baseline in the same run and writes
// bench/results/<suite>.json (see bench/lib/report.ts).
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const suites = fs.readdirSync(path.join(root, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, 'bench', d.name, 'main.ts')))
  .map((d) => d.name);
const [suite, ...args] = process.argv.slice(2);
if (!suite || !suites.includes(suite)) {
  console.error(`usage: npm run bench -- <suite> [args]\nsuites: ${suites.join(', ') || '(none yet)'}`);
  process.exit(suite ? 1 : 0);
}
// Services run from the compiled build, as deployed (bench/lib/service-process.ts): build it first (about 1 s).
const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) process.exit(built.status ?? 1);
const result = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join('bench', suite, 'main.ts'), ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.json'), NODE_ENV: 'production' },
});
process.exit(result.status ?? 1);
