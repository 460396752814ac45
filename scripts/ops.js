#!/usr/bin/env node
// `npm run ops -- <command> [options]`: the operators' CLI (apps/ops-cli), run from its TypeScript sources.
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const result = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'apps', 'ops-cli', 'src', 'main.ts'), ...process.argv.slice(2)], {
  cwd: process.cwd(),
  stdio: 'inherit',
  env: { ...process.env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.json') },
});
process.exit(result.status ?? 1);
