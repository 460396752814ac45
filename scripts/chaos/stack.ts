import { serviceNodeFlags } from '../lib/runtime-flags';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { databaseUrlOn, onAdmin } from '@orders/service-kit/testing';
import { freePort } from '../../e2e/support/free-port';
import { deleteKafkaLeftovers } from '../../e2e/support/kafka';
import { ServiceProcess } from '../../e2e/support/service-process';
import { ADMIN_URL, BROKERS as SHARED_BROKERS, READY_TIMEOUT_MS, SERVICES, type ServiceName } from '../../e2e/support/stack';

// The e2e stack's services, shared broker and admin connection: chaos runs the same processes, but many of each.
export { BROKERS as SHARED_BROKERS, ADMIN_URL, type ServiceName } from '../../e2e/support/stack';
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

export interface StackOptions {
  /** Names the run's databases, topics and log folder. */
  readonly label: string;
  /** Kafka bootstrap servers (a scenario's own broker, or the shared one). */
  readonly brokers?: string;
  /** Where the services reach PostgreSQL (a fault proxy's address); the admin connection is always direct. */
  readonly serviceDatabaseBase?: string;
  /** Instances of every service, side by side on the same database and consumer groups. */
  readonly replicas?: number;
  /** Added to every service's environment, over the stack's own (NODE_OPTIONS with a clock preload, NODE_ENV). */
  readonly env?: NodeJS.ProcessEnv;
  /** A `npm run build` tree the services run from (compiledTree()); from the sources with swc-node when absent. */
  readonly compiledTree?: string;
  /** What `node` runs for a service (a bench runs the compiled build); its TypeScript source through swc by default. */
  readonly args?: (service: ServiceName) => readonly string[];
  /** Starts the names of the run's topics, groups and databases ('chaos' by default). */
  readonly purpose?: string;
}

const ROOT = join(__dirname, '..', '..');

/**
 * The services compiled once for this run (scripts/build/build.js) into a folder of its own under node_modules/.cache
 * (inside the repository, so their dependencies resolve; not dist/, which a concurrent `npm run build` empties). A
 * compiled service is healthy in about two thirds of the time swc-node needs (README.md, "Figures").
 */
export async function compiledTree(label: string): Promise<{ dir: string; remove(): void }> {
  const dir = join(ROOT, 'node_modules', '.cache', 'orders-chaos', `${label}-${randomBytes(4).toString('hex')}`);
  const { build } = require(join(ROOT, 'scripts', 'build', 'build.js')) as { build(into: string): Promise<void> };
  const log = console.log;
  console.log = () => undefined; // its one line of figures is not the chaos run's business
  try {
    await build(dir);
  } finally {
    console.log = log;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when nothing listens on the port right now (this process can bind it). */
function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** One running copy of a service: killed and restarted on the same port and environment. */
export class Instance {
  private process: ServiceProcess;
  restarts = 0;

  constructor(readonly service: ServiceName, readonly index: number, public port: number,
    private readonly env: NodeJS.ProcessEnv, readonly logFile: string, private readonly args?: readonly string[]) {
    this.process = new ServiceProcess(service, port, env, logFile, args);
  }

  /** The current process's id (a restart makes a new one). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  get id(): string {
    return `${this.service}#${this.index}`;
  }

  get url(): string {
    return this.process.url;
  }

  get running(): boolean {
    return this.process.running;
  }

  healthy(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    return this.process.healthy(timeoutMs);
  }

  /** SIGKILL: no shutdown hook, no offset commit, no lease release. */
  kill(): Promise<void> {
    return this.process.kill();
  }

  /**
   * A fresh process, on the same port while nobody else took it; resolves once it answers /health. A port released by
   * the killed process can be taken meanwhile by any process of this shared machine (a client's ephemeral port, another
   * engineer's service that would even answer /health): then, and when the new process could not listen, a new port.
   */
  async restart(): Promise<void> {
    if (this.running) await this.process.kill();
    this.restarts++;
    for (let attempt = 1; ; attempt++) {
      if (!(await portFree(this.port))) this.port = await freePort();
      this.process = new ServiceProcess(this.service, this.port, this.env, this.logFile, this.args);
      try {
        await this.process.healthy(READY_TIMEOUT_MS);
        return;
      } catch (error) {
        if (this.running || attempt >= 3) throw error;
        this.port = await freePort();
      }
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.process.signal(signal);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  logTail(lines = 15): string {
    return this.process.logTail(lines);
  }
}

/**
 * The four services as child processes (started as `npm start` starts them), each on fresh databases of this run and
 * all on topics and groups under one random prefix: a chaos run shares nothing with other runs, specs or engineers.
 */
export class ChaosStack {
  readonly suffix = randomBytes(4).toString('hex');
  readonly prefix: string;
  readonly apiKey = randomBytes(24).toString('hex');
  readonly brokers: string;
  readonly logDir: string;
  readonly instances: Instance[] = [];
  readonly databases = new Map<ServiceName, string>();

  constructor(private readonly options: StackOptions) {
    const purpose = options.purpose ?? 'chaos';
    this.prefix = `${purpose}-${options.label}-${this.suffix}.`;
    this.brokers = options.brokers ?? SHARED_BROKERS;
    this.logDir = mkdtempSync(join(tmpdir(), `orders-${purpose}-${options.label}-${this.suffix}-`));
  }

  /** What `node` runs for a service: the given args; else the compiled tree's entry with the image's flags; else its source. */
  private argsOf(service: ServiceName): readonly string[] | undefined {
    if (this.options.args) return this.options.args(service);
    const tree = this.options.compiledTree;
    return tree ? [...serviceNodeFlags(), join(tree, 'apps', service, 'main.js')] : undefined;
  }

  /** The `npm run build` tree the services run from, if any (the projector's operations run from it too). */
  get compiledTree(): string | undefined {
    return this.options.compiledTree;
  }

  /** The direct URL of a service's database (for the checker). */
  databaseUrl(service: ServiceName): string {
    return databaseUrlOn(ADMIN_URL, this.database(service));
  }

  database(service: ServiceName): string {
    const name = this.databases.get(service);
    if (!name) throw new Error(`${service} has no database yet`);
    return name;
  }

  of(service: ServiceName): Instance[] {
    return this.instances.filter((instance) => instance.service === service);
  }

  /** Base URLs of the instances of a service that run now (a client picks among them). */
  urls(service: ServiceName): string[] {
    return this.of(service).filter((instance) => instance.running).map((instance) => instance.url);
  }

  private readonly environments = new Map<ServiceName, NodeJS.ProcessEnv>();

  /** The run's databases, then the first instance of every service (side by side), then `replicas` of each. */
  async start(): Promise<void> {
    for (const service of SERVICE_NAMES) {
      const database = `${service.replace(/-/g, '_')}_${this.options.purpose ?? 'chaos'}_${this.suffix}`;
      await onAdmin(ADMIN_URL, `CREATE DATABASE "${database}"`);
      this.databases.set(service, database);
      const { databaseVariable } = SERVICES[service];
      this.environments.set(service, {
        ...process.env,
        [databaseVariable]: databaseUrlOn(this.options.serviceDatabaseBase ?? ADMIN_URL, database),
        TOPIC_PREFIX: this.prefix, // every service's topics and consumer groups (the kit's one naming scheme)
        KAFKA_BROKERS: this.brokers, API_KEYS: `chaos:${this.apiKey}`, LOG_LEVEL: 'warn', HOST: '127.0.0.1',
        NODE_ENV: 'development',
        // Market sends its notifications from its ranges in production; the load driver sends them from loopback.
        MARKET_NOTIFICATION_SOURCES: '127.0.0.1,::1',
        // Market's per-campaign limits on decisions would throttle the load itself; the limiter is not under test.
        MARKET_DECISIONS_PER_HOUR: '100000000', MARKET_PARALLEL_REQUESTS: '1000',
        ...this.options.env,
      });
    }
    await this.scale(this.options.replicas ?? 1);
  }

  /**
   * Starts instances until every service has `replicas` of them (a scenario of replicas on a stack that ran others
   * with one). The first instance of each service migrates its new database; replicas join once it has.
   */
  async scale(replicas: number): Promise<void> {
    for (let index = this.of('intake').length; index < replicas; index++) {
      const started: Instance[] = [];
      for (const service of SERVICE_NAMES) {
        const logFile = join(this.logDir, `${service}-${index}.log`);
        const env = this.environments.get(service) ?? {};
        started.push(new Instance(service, index, await freePort(), env, logFile, this.argsOf(service)));
      }
      this.instances.push(...started);
      await Promise.all(started.map((instance) => instance.healthy()));
    }
  }

  /** Stops every process (also after a failure), then drops this run's databases (unless kept), topics and groups. */
  async stop({ keepData = false } = {}): Promise<void> {
    await Promise.allSettled(this.instances.map((instance) => instance.stop()));
    // A failed run keeps its databases (named in the report) and its topics (under the run's prefix) for a
    // post-mortem: whether a lost event was relayed at all is answered only by the topic.
    if (keepData) return;
    for (const database of this.databases.values()) {
      await onAdmin(ADMIN_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    }
    await deleteKafkaLeftovers(this.brokers, this.prefix).catch(() => undefined);
  }

  logs(): string {
    return this.instances.map((instance) => `--- ${instance.id} (${instance.logFile})\n${instance.logTail()}`).join('\n');
  }
}
