import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { register } from 'prom-client';
import request from 'supertest';
import { createServiceApp } from '../bootstrap';
import { ServiceDefinition } from '../config/service-definition';
import { serviceDefaults } from '../config/service-env';
import {
  answerWithoutId,
  captureLogs,
  COMMAND_HEADER_FAULTS,
  headerFaultBody,
  UNREPRESENTABLE_PATH_IDS,
} from './http-edge';
import { withProbe } from './probe.module';
import { databaseUrlOn as databaseUrl, onAdmin } from './test-database';

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Boots a service shell for real (its own fresh database on the real PostgreSQL, the real Kafka broker) and
 * checks what every shell promises: health, metrics, OpenAPI, ids, auth, the error envelope, 503 when Kafka is down.
 */
export function describeServiceShell(definition: ServiceDefinition, loadAppModule: () => Promise<Type<unknown>>): void {
  describe(`${definition.name} service shell`, () => {
    const suffix = randomBytes(4).toString('hex');
    const database = `${definition.databaseName}_shell_${suffix}`;
    const baseUrl = process.env[definition.databaseUrlVariable] ?? serviceDefaults(definition).DATABASE_URL;
    const apiKey = randomBytes(24).toString('hex');
    const readOnlyKey = randomBytes(24).toString('hex');
    const saved = { ...process.env };
    let appModule: Type<unknown>;
    let app: NestExpressApplication;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      await onAdmin(baseUrl, `CREATE DATABASE "${database}"`);
      Object.assign(process.env, {
        [definition.databaseUrlVariable]: databaseUrl(baseUrl, database),
        // The probes provoke errors on purpose; their log lines would only bury a real failure's output.
        LOG_LEVEL: 'silent',
        API_KEYS: `shell-test:${apiKey},shell-viewer:${readOnlyKey}:*:read`,
      });
      appModule = withProbe(await loadAppModule());
      app = await createServiceApp(appModule);
      await app.init();
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      process.env = saved;
      await onAdmin(baseUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    });

    it('reports the database and Kafka up on /health, and the process on /health/live', async () => {
      const res = await http().get('/health').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, kafka: { status: 'up' } },
      });
      const live = await http().get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok', uptime_s: expect.any(Number) });
    });

    it('ran its migrations on start-up, into its own database', async () => {
      const client = new Client({ connectionString: databaseUrl(baseUrl, database) });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT to_regclass('public.migrations') AS table`);
        expect(rows).toEqual([{ table: 'migrations' }]);
      } finally {
        await client.end();
      }
    });

    it('serves Prometheus metrics with request durations by route template', async () => {
      await http().get('/health').expect(200);
      await http().get('/no/such/path').expect(404);
      const res = await http()
        .get('/metrics')
        .expect(200)
        .expect('Content-Type', /text\/plain/);
      expect(res.text).toContain('process_cpu_user_seconds_total');
      expect(res.text).toMatch(
        /http_request_duration_seconds_count\{[^}]*method="GET",route="\/health",status_code="200"\} [1-9]/,
      );
      expect(res.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="unmatched",status_code="404"\} [1-9]/);
    });

    it('serves every metric the process made: the messaging library\'s and the app\'s own (its `metrics`)', async () => {
      // Loading the app module made them (in prom-client's default registry); one the app forgot to hand the kit
      // would be counted and never seen.
      const made = register.getMetricsAsArray().map((metric) => (metric as unknown as { name: string }).name);
      expect(made).toEqual(expect.arrayContaining(['messaging_consumer_lag', 'messaging_dead_lettered_total']));
      const served = (await http().get('/metrics').expect(200)).text;
      expect(made.filter((name) => !served.includes(`# HELP ${name} `))).toEqual([]);
    });

    it('describes itself in OpenAPI at /docs-json and /docs', async () => {
      const res = await http().get('/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(res.body.info.title).toBe(definition.title);
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/live']));
      await http().get('/docs').expect(200).expect('Content-Type', /html/);
    });

    it('answers an unknown route with the 404 envelope and echoes the request and correlation ids', async () => {
      const res = await http()
        .get('/no/such/route')
        .set('X-Request-Id', `req-${suffix}`)
        .set('X-Correlation-Id', `corr-${suffix}`)
        .expect(404);
      expect(res.body).toEqual({
        status: 'ERROR',
        errors: [{ code: 'NOT_FOUND', message: expect.any(String) }],
        request_id: `req-${suffix}`,
      });
      expect(res.headers['x-request-id']).toBe(`req-${suffix}`);
      expect(res.headers['x-correlation-id']).toBe(`corr-${suffix}`);
    });

    it('makes a request id when none comes in, and the correlation starts from it', async () => {
      const res = await http().get('/no/such/route').expect(404);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-correlation-id']).toBe(res.headers['x-request-id']);
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    });

    it('refuses requests without a configured key, and accepts Api-Key, a bearer or an OAuth token', async () => {
      const body = { decision: 'ACCEPT', reason: 'ok', attempts: 1 };
      const denied = await http().post('/__probe/decisions').send(body).expect(401);
      expect(denied.body.errors).toEqual([{ code: 'UNAUTHORIZED', message: expect.any(String) }]);
      await http().post('/__probe/decisions').set('Api-Key', 'wrong-key-0123456789').send(body).expect(401);
      await http()
        .post('/__probe/decisions')
        .set('Api-Key', apiKey)
        .send(body)
        .expect(200, { status: 'OK', decision: 'ACCEPT' });
      await http().post('/__probe/decisions').set('Authorization', `Bearer ${apiKey}`).send(body).expect(200);
      // Track & Trace clients send their token as `OAuth`; a key in the URL counts only where a route says so.
      await http().post('/__probe/decisions').set('Authorization', `OAuth ${apiKey}`).send(body).expect(200);
      await http().post(`/__probe/decisions?apikey=${apiKey}`).send(body).expect(401);
      // A read-only key may read but not write.
      const forbidden = await http().post('/__probe/decisions').set('Api-Key', readOnlyKey).send(body).expect(403);
      expect(forbidden.body.errors[0].code).toBe('FORBIDDEN');
      await http().get('/__probe/domain-errors/CONCURRENCY_CONFLICT').set('Api-Key', readOnlyKey).expect(409);
    });

    it('answers invalid fields with 422 VALIDATION_FAILED and a code per field', async () => {
      const res = await http()
        .post('/__probe/decisions')
        .set('Api-Key', apiKey)
        .send({ decision: 'MAYBE', reason: 'r'.repeat(21), attempts: 11, extra: true })
        .expect(422);
      expect(res.body.errors[0].code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.slice(1).map((e: { code: string; field: string }) => [e.field, e.code])).toEqual(
        expect.arrayContaining([
          ['decision', 'INVALID_ENUM'],
          ['reason', 'FIELD_TOO_LONG'],
          ['attempts', 'OUT_OF_RANGE'],
          ['extra', 'UNKNOWN_FIELD'],
        ]),
      );
    });

    it('answers malformed JSON with 400 and a body over 1 MiB with 413', async () => {
      const malformed = await http()
        .post('/__probe/decisions')
        .set('Api-Key', apiKey)
        .set('Content-Type', 'application/json')
        .send('{"decision":')
        .expect(400);
      expect(malformed.body.errors).toEqual([{ code: 'BAD_REQUEST', message: expect.any(String) }]);
      const big = JSON.stringify({ reason: 'x'.repeat(1024 * 1024 + 1) });
      const tooLarge = await http()
        .post('/__probe/decisions')
        .set('Api-Key', apiKey)
        .set('Content-Type', 'application/json')
        .send(big)
        .expect(413);
      expect(tooLarge.body.errors).toEqual([{ code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) }]);
    });

    it('maps domain errors to 404 and 409 and hides unexpected failures behind a 500', async () => {
      const notFound = await http().get('/__probe/domain-errors/ORDER_NOT_FOUND').set('Api-Key', apiKey).expect(404);
      // One code for "not there" in every service; what was looked for is in details.
      expect(notFound.body.errors).toEqual([
        { code: 'NOT_FOUND', message: 'probe raised ORDER_NOT_FOUND', details: { resource: 'order' } },
      ]);
      await http().get('/__probe/domain-errors/CONCURRENCY_CONFLICT').set('Api-Key', apiKey).expect(409);
      const crash = await http().get('/__probe/crash').set('Api-Key', apiKey).expect(500);
      expect(crash.body.errors).toEqual([{ code: 'INTERNAL_ERROR', message: 'internal error' }]);
      expect(crash.text).not.toContain('secret');
      await http().get('/__probe/coded-crash').set('Api-Key', apiKey).expect(500);
    });

    it('refuses hostile input at the seam: deep JSON 400, broken text 422 with its field, a NUL in the path 400; nosniff on all', async () => {
      const probe = () => http().post('/__probe/decisions').set('Api-Key', apiKey);
      const deep = await probe()
        .set('Content-Type', 'application/json')
        .send(`{"reason":${'['.repeat(3000)}${']'.repeat(3000)}}`)
        .expect(400);
      expect(deep.body.errors).toEqual([
        { code: 'BAD_REQUEST', message: expect.stringMatching(/deeper than 32 levels/) },
      ]);
      const nul = await probe().send({ decision: 'ACCEPT', reason: 'a\u0000b', attempts: 1 }).expect(422);
      expect(nul.body.errors[1]).toEqual({
        code: 'INVALID_VALUE',
        field: 'reason',
        message: expect.stringMatching(/NUL character/),
      });
      const lone = await probe().send({ decision: 'ACCEPT', reason: 'ok\uD800', attempts: 1 }).expect(422);
      expect(lone.body.errors[1]).toMatchObject({
        field: 'reason',
        message: expect.stringMatching(/lone UTF-16 surrogate/),
      });
      const path = await http().get('/__probe/domain-errors/A%00B').set('Api-Key', apiKey).expect(400);
      expect(path.body.errors).toEqual([{ code: 'BAD_REQUEST', message: 'the path holds a NUL character' }]);
      for (const res of [deep, nul, path, await http().get('/health/live')])
        expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('answers path ids by one rule: unrepresentable text 400, a wrong format 404 as a missing id', async () => {
      const get = (id: string) => http().get(`/__probe/things/${id}`).set('Api-Key', apiKey);
      const missingId = '0190a0a0-0000-7000-8000-00000000abcd';
      const seen = async (id: string) => answerWithoutId(await get(id), id);
      const missing = await seen(missingId);
      expect(missing).toEqual({
        status: 404,
        body: {
          status: 'ERROR',
          errors: [{ code: 'NOT_FOUND', message: 'no thing <id>', details: { resource: 'thing', id: '<id>' } }],
          request_id: '<request>',
        },
      });
      for (const wrong of ['not-a-uuid', '1', 'x'.repeat(300), '0190a0a0-0000-7000-8000-00000000abcdz'])
        expect({ wrong, ...(await seen(wrong)) }).toEqual({ wrong, ...missing });
      // Another spelling of a valid id reaches the handler in its stored form (the probe answers 409 otherwise).
      expect((await get(missingId.toUpperCase())).status).toBe(404);
      for (const broken of [...UNREPRESENTABLE_PATH_IDS, 'a%zz']) {
        const res = await get(broken).expect(400);
        expect(res.body.errors).toEqual([{ code: 'BAD_REQUEST', message: expect.stringMatching(/^the path holds/) }]);
      }
    });

    it('reads the command headers by the one rule set: the same faults answer the same 422 in every service', async () => {
      const ok = await http()
        .post('/__probe/commands')
        .set({ 'Api-Key': apiKey, 'If-Match': 'W/"4"', 'Idempotency-Key': 'k-1', 'X-Correlation-Id': 'c-1' })
        .expect(200);
      expect(ok.body).toEqual({
        actor: 'shell-test',
        correlationId: 'c-1',
        causationId: ok.headers['x-request-id'],
        expectedVersion: 4,
        idempotencyKey: 'shell-test:k-1',
        now: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      for (const fault of COMMAND_HEADER_FAULTS) {
        const res = await http()
          .post('/__probe/commands')
          .set({ 'Api-Key': apiKey, ...fault.headers });
        expect({ fault: fault.name, status: res.status, body: res.body }).toEqual({
          fault: fault.name,
          status: 422,
          body: headerFaultBody(fault.field, fault.code),
        });
      }
    });

    it('keeps credentials out of the request log and the error log', async () => {
      const logs = captureLogs();
      try {
        await http()
          .get('/__probe/crash?apikey=q-secret-1&page=2&access_token=q-secret-2')
          .set({
            Authorization: `Bearer ${apiKey}`,
            'X-Api-Key': 'h-secret-1',
            Cookie: 'session=h-secret-2',
            'X-Partner-Token': 'h-secret-3',
          })
          .expect(500);
      } finally {
        logs.restore();
      }
      const text = logs.text();
      for (const secret of [apiKey, 'q-secret-1', 'q-secret-2', 'h-secret-1', 'h-secret-2', 'h-secret-3'])
        expect(text).not.toContain(secret);
      expect(text).toContain('/__probe/crash?apikey=[redacted]&page=2&access_token=[redacted]');
      const request = logs.lines.find((line) =>
        (line.req as { url?: string } | undefined)?.url?.startsWith('/__probe/crash'),
      ) as { req: { headers: Record<string, string> } };
      expect(request.req.headers).toMatchObject({
        authorization: '[redacted]',
        'x-api-key': '[redacted]',
        cookie: '[redacted]',
        'x-partner-token': '[redacted]',
      });
      expect(
        logs.lines.some((line) =>
          String(line.msg).startsWith('unexpected error on GET /__probe/crash?apikey=[redacted]'),
        ),
      ).toBe(true);
    });

    it('answers /health with 503 and each dependency status when Kafka is unreachable', async () => {
      process.env.KAFKA_BROKERS = `127.0.0.1:${await closedPort()}`;
      const broken = await createServiceApp(appModule);
      try {
        await broken.init();
        const res = await request(broken.getHttpServer()).get('/health').expect(503).expect('Content-Type', /json/);
        expect(res.body).toMatchObject({
          status: 'error',
          details: { database: { status: 'up' }, kafka: { status: 'down' } },
        });
      } finally {
        await broken.close();
        process.env.KAFKA_BROKERS = saved.KAFKA_BROKERS;
      }
    }, 30_000);
  });
}
