// Runs a real single-node Apache Kafka broker (KRaft) from Maven Central jars; see
// shared design kafka-local.md. No Docker: Java 17 and Maven are enough.
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');
const settings = require('./settings');

const pomFile = path.join(settings.root, 'deploy', 'kafka', 'pom.xml');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/**
 * A broker bound to its own ports and state folder. The default one serves the whole local
 * stack; tests that must kill a broker (restart tests) make their own on other ports.
 */
function createBroker(options = {}) {
  const cfg = { ...settings.kafka, ...options };
  const pidFile = path.join(cfg.dir, 'broker.pid');
  const logFile = path.join(cfg.dir, 'broker.log');
  const dataDir = path.join(cfg.dir, 'data');
  const propsFile = path.join(cfg.dir, 'server.properties');
  const log4jFile = path.join(cfg.dir, 'log4j2.properties');

  function ownPid() {
    if (!fs.existsSync(pidFile)) return undefined;
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return pid && alive(pid) ? pid : undefined;
  }

  function ensureJars() {
    const marker = path.join(cfg.jarsDir, '.complete');
    if (fs.existsSync(marker)) return;
    console.log(`[infra] fetching Kafka ${cfg.version} jars from Maven Central into ${cfg.jarsDir}`);
    fs.mkdirSync(cfg.jarsDir, { recursive: true });
    execFileSync('mvn', ['-q', '-B', '-f', pomFile, `-Dkafka.version=${cfg.version}`, 'dependency:copy-dependencies',
      '-DincludeScope=runtime', `-DoutputDirectory=${cfg.jarsDir}`], { stdio: 'inherit' });
    fs.writeFileSync(marker, new Date().toISOString());
  }

  function writeConfig() {
    fs.mkdirSync(cfg.dir, { recursive: true });
    const props = {
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${cfg.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${cfg.port},CONTROLLER://127.0.0.1:${cfg.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${cfg.port}`,
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': dataDir,
      // Single node: internal topics cannot have more than one replica.
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      'offsets.topic.num.partitions': '1',
      'transaction.state.log.num.partitions': '1',
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '1000',
      'num.network.threads': '2',
      'num.io.threads': '2',
      'background.threads': '2',
      'log.cleaner.dedupe.buffer.size': '8388608',
      // Topics are created by the project with explicit partition counts.
      'auto.create.topics.enable': 'false',
      'num.partitions': '3',
    };
    fs.writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
    fs.writeFileSync(log4jFile, [
      'status = warn',
      'appender.console.type = Console',
      'appender.console.name = STDOUT',
      'appender.console.layout.type = PatternLayout',
      'appender.console.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      'logger.raft.name = kafka.server.KafkaRaftServer',
      'logger.raft.level = INFO',
      '',
    ].join('\n'));
  }

  function java(args, opts) {
    const classpath = `${cfg.jarsDir}/*`;
    return ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', classpath, ...args, opts].filter(Boolean);
  }

  function formatStorage() {
    if (fs.existsSync(path.join(dataDir, 'meta.properties'))) return;
    // 16 random bytes as base64url: 22 characters; a leading '-' would read as a flag.
    let clusterId;
    do clusterId = crypto.randomBytes(16).toString('base64url'); while (clusterId.startsWith('-'));
    execFileSync('java', java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile]), { stdio: 'pipe' });
  }

  function tail(file, lines = 40) {
    if (!fs.existsSync(file)) return '(no log)';
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  }

  async function waitReady(timeoutMs, pid) {
    const { Kafka, logLevel } = require('kafkajs');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pid && !alive(pid)) return false;
      if (await portOpen(cfg.port)) {
        const admin = new Kafka({ brokers: [`127.0.0.1:${cfg.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
        try {
          await admin.connect();
          await admin.describeCluster();
          await admin.listTopics();
          return true;
        } catch { /* not ready yet */ } finally { await admin.disconnect().catch(() => undefined); }
      }
      await sleep(500);
    }
    return false;
  }

  /** Starts the broker unless one answers already. Returns true when this call started it. */
  async function up({ timeoutMs = 90_000 } = {}) {
    if (ownPid() || (await portOpen(cfg.port))) {
      if (!(await waitReady(timeoutMs))) throw new Error(`a process holds 127.0.0.1:${cfg.port} but no Kafka broker answers there`);
      console.log(`[infra] Kafka already running on 127.0.0.1:${cfg.port}`);
      return false;
    }
    ensureJars();
    writeConfig();
    formatStorage();
    const started = Date.now();
    const out = fs.openSync(logFile, 'a');
    const child = spawn('java', java(['kafka.Kafka', propsFile]), { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    fs.writeFileSync(pidFile, String(child.pid));
    if (!(await waitReady(timeoutMs, child.pid))) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
      fs.rmSync(pidFile, { force: true });
      throw new Error(`Kafka did not start within ${timeoutMs} ms. Log tail (${logFile}):\n${tail(logFile)}`);
    }
    console.log(`[infra] Kafka ${cfg.version} started on 127.0.0.1:${cfg.port} in ${((Date.now() - started) / 1000).toFixed(1)} s; log: ${logFile}`);
    return true;
  }

  /** Stops the broker this checkout started (never someone else's). */
  async function down({ timeoutMs = 30_000 } = {}) {
    const pid = ownPid();
    if (!pid) { fs.rmSync(pidFile, { force: true }); console.log('[infra] no Kafka broker started from this checkout'); return; }
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (alive(pid) && Date.now() < deadline) await sleep(200);
    if (alive(pid)) { console.warn('[infra] broker ignored SIGTERM; killing it'); process.kill(pid, 'SIGKILL'); }
    fs.rmSync(pidFile, { force: true });
    console.log('[infra] Kafka stopped');
  }

  /** Kills the broker without a clean shutdown, as a crash would. */
  async function kill() {
    const pid = ownPid();
    if (!pid) return;
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await sleep(100);
    fs.rmSync(pidFile, { force: true });
  }

  async function status() {
    return { running: await portOpen(cfg.port), pid: ownPid(), brokers: cfg.brokers, log: logFile };
  }

  return { up, down, status, kill, pid: ownPid, brokers: `127.0.0.1:${cfg.port}`, logFile };
}

const local = createBroker();
module.exports = { createBroker, up: local.up, down: local.down, status: local.status, logFile: local.logFile };
