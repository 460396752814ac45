import fc from 'fast-check';
import type { Server } from 'node:http';
import request from 'supertest';
import { HostileRequest, RouteTemplate, fieldChecks, hostileRequests, routeTemplates } from './openapi-requests';

/** A running service as the fuzzer needs it; each app's spec boots it the way its other int specs do. */
export interface FuzzTarget {
  readonly server: Server;
  /** Valid credentials: hostile input must be judged by validation, not stopped by the guard. */
  readonly credentials: Readonly<Record<string, string>>;
  /** Path values that reach past tenancy checks (the key's own company, an existing order). */
  readonly pathValues: Readonly<Record<string, string>>;
  /** Valid bodies by operation (`post /api/v1/companies/{company_id}/orders`), fresh per call; else one from the schema. */
  readonly bodies?: Readonly<Record<string, () => unknown>>;
  /**
   * A resource created before fuzzing so operator actions reach the command path, not only the 404: POSTed to
   * `path` with `body`, its answer's `idField` becomes the path value `pathValue`.
   */
  readonly existing?: {
    readonly path: string;
    readonly body: unknown;
    readonly idField: string;
    readonly pathValue: string;
  };
  close(): Promise<void>;
}

/** The target with its `existing` resource created and its id among the path values. */
async function withExisting(target: FuzzTarget): Promise<FuzzTarget> {
  const existing = target.existing;
  if (!existing) return target;
  const created = await request(target.server)
    .post(existing.path)
    .set(target.credentials)
    .send(existing.body as object);
  const id: unknown = created.body?.[existing.idField];
  if (created.status !== 201 || typeof id !== 'string') {
    throw new Error(`creating the existing resource at ${existing.path} answered ${created.status}: ${created.text}`);
  }
  return { ...target, pathValues: { ...target.pathValues, [existing.pathValue]: id } };
}

export interface FuzzOptions {
  readonly seed: number;
  /** Requests per route; the whole suite (three services) should stay within about two minutes on 2 cores. */
  readonly requestsPerRoute: number;
  /** Routes not to fuzz, e.g. operator actions that rebuild or restart. */
  readonly skip?: (method: string, path: string) => boolean;
}

export interface FuzzFailure {
  readonly request: HostileRequest;
  readonly status: number;
  readonly body: string;
}
export interface FuzzReport {
  readonly requests: number;
  readonly byStatus: Readonly<Record<number, number>>;
  /** Answers of 500 and above (599: no answer at all). */
  readonly failures: readonly FuzzFailure[];
  /** Answers without `X-Content-Type-Options: nosniff`. */
  readonly sniffable: number;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly nosniff: boolean;
}

async function send(
  server: Server,
  credentials: Readonly<Record<string, string>>,
  hostile: HostileRequest,
): Promise<Answer> {
  const agent = request(server);
  let call = agent[hostile.method as 'get'](hostile.url)
    .set(credentials)
    .ok(() => true)
    .timeout(10_000);
  const custom = hostile.headers['Content-Type'];
  if (hostile.body !== undefined && custom === undefined) call = call.set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(hostile.headers)) call = call.set(name, value as string);
  try {
    const response = await (hostile.body !== undefined ? call.send(hostile.body) : call);
    return {
      status: response.status,
      body: response.text.slice(0, 300),
      nosniff: response.headers['x-content-type-options'] === 'nosniff',
    };
  } catch (error) {
    // A reset or a hung socket is as bad as a 5xx: record it as 599.
    return { status: 599, body: error instanceof Error ? error.message : String(error), nosniff: false };
  }
}

/** Sends `requestsPerRoute` hostile requests to every route of the service's own OpenAPI document, in a fixed order. */
export async function fuzzService(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const document = (await request(target.server).get('/docs-json').expect(200)).body as Record<string, unknown>;
  const routes: RouteTemplate[] = routeTemplates(document, options.skip);
  const byStatus: Record<number, number> = {};
  const failures: FuzzFailure[] = [];
  let requests = 0;
  let sniffable = 0;
  for (const [index, route] of routes.entries()) {
    const validBody = target.bodies?.[`${route.method} ${route.path}`];
    // One seed per route, so adding a route does not change what the others are sent.
    const sampled = fc.sample(hostileRequests(route, target.pathValues, validBody), {
      seed: options.seed + index,
      numRuns: options.requestsPerRoute,
    });
    for (const hostile of [...fieldChecks(route, target.pathValues, validBody), ...sampled]) {
      const started = Date.now();
      const { status, body, nosniff } = await send(target.server, target.credentials, hostile);
      requests += 1;
      if (!nosniff) sniffable += 1;
      // FUZZ_TRACE=1 prints every request: the way to find the one that hangs.
      if (process.env.FUZZ_TRACE)
        process.stderr.write(
          `${status} ${Date.now() - started}ms ${hostile.method} ${hostile.url.slice(0, 100)} [${hostile.mutation}]\n`,
        );
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status >= 500) failures.push({ request: hostile, status, body });
    }
  }
  return { requests, byStatus, failures, sniffable };
}

const show = (failure: FuzzFailure): string =>
  `${failure.status} ${failure.request.method.toUpperCase()} ${failure.request.url.slice(0, 120)} [${failure.request.mutation}] -> ${failure.body.slice(0, 160)}`;

/**
 * The hostile-input suite of one service: every route, every hostile family, with valid credentials; no answer may
 * be a 5xx, and the service must still be healthy afterwards.
 */
export function describeHostileInput(name: string, start: () => Promise<FuzzTarget>, options: FuzzOptions): void {
  describe(`${name}: hostile HTTP input`, () => {
    let target: FuzzTarget | undefined;
    beforeAll(async () => {
      target = await start();
      target = await withExisting(target);
    }, 90_000);
    afterAll(async () => target?.close());

    it('answers every hostile request below 500 and stays healthy', async () => {
      if (!target) throw new Error('the service did not start');
      const report = await fuzzService(target, options);
      const summary =
        `${name}: ${report.requests} hostile requests, ${report.failures.length} answered 5xx, ${report.sniffable} without nosniff; ` +
        `by status ${JSON.stringify(report.byStatus)}`;
      process.stdout.write(`${summary}\n`);
      const distinct = [...new Map(report.failures.map((f) => [`${f.status} ${f.request.mutation}`, f])).values()];
      expect({ summary, failures: distinct.slice(0, 25).map(show), sniffable: report.sniffable }).toEqual({
        summary,
        failures: [],
        sniffable: 0,
      });
      await request(target.server).get('/health').expect(200);
    }, 150_000);
  });
}
