#!/usr/bin/env node
// npm start: the local stack (reused where it runs, started where it does not) and every service shell,
// with prefixed logs. Ctrl-C stops the services, and the Kafka broker only if this run started it.
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { randomBytes } = require('node:crypto');
const { spawn } = require('node:child_process');
const settings = require('./lib/settings');
const broker = require('./lib/kafka-broker');
const { ensureDatabases } = require('./lib/postgres');
const { serviceNodeFlags } = require('./lib/runtime-flags');

const READY_TIMEOUT_MS = 90_000;
const MARKET_SIMULATOR = { name: 'market-simulator', dir: 'market-simulator', defaultPort: 3900 };
const STOP_TIMEOUT_MS = 15_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (message) => console.log(`[start] ${message}`);

/** Every app with a service manifest is a service shell (apps/<dir>/service.json). */
function discoverServices() {
  const appsDir = path.join(settings.root, 'apps');
  return fs.readdirSync(appsDir)
    .filter((dir) => fs.existsSync(path.join(appsDir, dir, 'service.json')))
    .map((dir) => ({ dir, ...JSON.parse(fs.readFileSync(path.join(appsDir, dir, 'service.json'), 'utf8')) }));
}

/**
 * The operators' console (apps/console/console.json): started with the services but not one of them (no database,
 * no Kafka); its defaults name the services' ports above.
 */
function discoverWebApps() {
  const manifest = path.join(settings.root, 'apps', 'console', 'console.json');
  return fs.existsSync(manifest) ? [{ dir: 'console', ...JSON.parse(fs.readFileSync(manifest, 'utf8')) }] : [];
}

function pipeWithPrefix(stream, prefix, out) {
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix}${line}\n`));
}

function spawnService(service, env, width) {
  // The image's node flags (its young-generation cap): the local stack's memory is the deployed one's.
  const args = [...serviceNodeFlags(), '-r', '@swc-node/register', path.join('apps', service.dir, 'src', 'main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: settings.root,
    env: { ...env, PORT: String(service.defaultPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name}]`.padEnd(width + 2) + ' ';
  pipeWithPrefix(child.stdout, prefix, process.stdout);
  pipeWithPrefix(child.stderr, prefix, process.stderr);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

async function waitHealthy(service, child) {
  const url = `http://127.0.0.1:${service.defaultPort}/health`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.exited.then(() => { exited = true; });
  let last = 'no answer';
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(500);
  }
  throw new Error(exited ? `${service.name} exited before it was healthy` : `${service.name} not healthy after ${READY_TIMEOUT_MS} ms (${last})`);
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

async function main() {
  const services = [...discoverServices(), ...discoverWebApps()];
  await ensureDatabases();
  const startedBroker = await broker.up();

  // Dev keys come from configuration; without one, this run makes a throwaway key instead of a hard-coded one.
  const apiKeys = process.env.API_KEYS || `dev:${randomBytes(24).toString('hex')}`;
  const env = {
    ...process.env,
    ...settings.postgres.databases,
    KAFKA_BROKERS: settings.kafka.brokers,
    API_KEYS: apiKeys,
    // A developer's machine: no start-up warning about the unset PII_MASTER_KEY (the services assume production).
    NODE_ENV: process.env.NODE_ENV || 'development',
    // Market's notifications come from Market's ranges in production (the default); here, from this machine too.
    MARKET_NOTIFICATION_SOURCES:
      process.env.MARKET_NOTIFICATION_SOURCES || '127.0.0.1,::1,5.45.207.0/25,141.8.142.0/25,5.255.253.0/25',
    SWC_NODE_PROJECT: path.join(settings.root, 'tsconfig.json'),
    // A person watching: short coloured lines. The services write into this script's pipes, not the terminal, so
    // they cannot see it themselves; LOG_FORMAT=json keeps JSON (what a log shipper wants).
    ...(process.stdout.isTTY && !process.env.LOG_FORMAT ? { LOG_FORMAT: 'pretty', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } : {}),
  };

  // Market: the embedded simulator (apps/market-simulator) unless MARKET_API_URL names a Market to talk to.
  if (!process.env.MARKET_API_URL) {
    env.MARKET_API_URL = `http://127.0.0.1:${MARKET_SIMULATOR.defaultPort}`;
    env.MARKET_CAMPAIGNS ||= JSON.stringify({ 21: { apiKey: `sim-${randomBytes(16).toString('hex')}` } });
    services.unshift(MARKET_SIMULATOR);
  }

  const width = Math.max(...services.map((s) => s.name.length));
  const children = services.map((service) => spawnService(service, env, width));
  let stopping;
  const stop = (reason, exitCode) => {
    stopping ??= (async () => {
      say(`${reason}: stopping ${services.map((s) => s.name).join(', ')}`);
      await Promise.all(children.map(stopChild));
      if (startedBroker) await broker.down();
      else say('leaving the Kafka broker running (this run did not start it)');
      process.exit(exitCode);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  children.forEach((child, i) => child.exited.then(({ code, signal }) => {
    if (!stopping) void stop(`${services[i].name} exited (${signal ?? `code ${code}`})`, 1);
  }));

  try {
    await Promise.all(services.map((service, i) => waitHealthy(service, children[i])));
  } catch (error) {
    await stop(error.message, 1);
    return;
  }
  say('all services are healthy:');
  for (const service of services) {
    if (service === MARKET_SIMULATOR) {
      console.log(`  ${service.name.padEnd(width)}  ${env.MARKET_API_URL}/_sim/received  (Market for the connector)`);
      continue;
    }
    const base = `http://127.0.0.1:${service.defaultPort}`;
    const links = service.dir === 'console' ? `${base}/  (sign in with the API key)` : `${base}/health  ${base}/metrics  ${base}/docs`;
    console.log(`  ${service.name.padEnd(width)}  ${links}`);
  }
  if (!process.env.API_KEYS) say(`API key for this run (Api-Key header or Bearer token): ${apiKeys.slice(apiKeys.indexOf(':') + 1)}`);
  say(`Ctrl-C stops the services${startedBroker ? ' and the Kafka broker this run started' : ''}`);
}

main().catch((error) => {
  console.error(`[start] ${error.message}`);
  process.exit(1);
});
