// Integration specs need the real stack: reuse what runs, start what does not.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const broker = require('../lib/kafka-broker');
const { ensureDatabases } = require('../lib/postgres');

// `npm test` alone must pass on a fresh machine, so the kcat interop test's tool is installed here too.
function ensureKcat() {
  if (spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0) return;
  spawnSync('bash', [path.join(__dirname, '..', 'ensure-tool.sh'), 'kcat', 'kcat'], { stdio: 'inherit' });
}

// The console's browser tests drive Debian's chromium (no browser download): installed here the same way.
function ensureChromium() {
  if (['chromium', 'chromium-browser'].some((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0)) return;
  spawnSync('bash', [path.join(__dirname, '..', 'ensure-tool.sh'), 'chromium', 'chromium', 'chromium-browser'], {
    stdio: 'inherit',
  });
}

module.exports = async () => {
  ensureKcat();
  ensureChromium();
  await ensureDatabases();
  // Remember whether this run started the broker so teardown stops only what it started.
  globalThis.__ORDERS_STARTED_BROKER__ = await broker.up();
};
