import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp, { type Options } from 'pino-http';
import { ServiceConfig } from '../config/service-config';
import type { IncomingMessage } from 'node:http';
import { isPretty, loggerParams, prettyLines } from './logger-params';
import { redactUrl } from './redaction';

const config = { service: { name: 'probe' }, logLevel: 'info' } as ServiceConfig;

/** The service's own pino-http options, writing to a stream the spec reads. */
function requestLogger() {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed log line, read by path
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write: (chunk, _encoding, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const options = loggerParams(config).pinoHttp as Options;
  return { lines, log: pinoHttp({ ...options, logger: pino({ level: 'info' }, sink) }) };
}

describe('credentials in logs', () => {
  it('redacts credential headers, query parameters and cookies from the request line, leaving the rest', () => {
    const { lines, log } = requestLogger();
    const headers = {
      authorization: 'Bearer top-secret',
      'api-key': 'also-secret',
      'x-api-key': 'x-secret',
      cookie: 'sid=s3cret',
      'x-partner-token': 'partner-secret',
      'proxy-authorization': 'Basic cHc=',
      accept: '*/*',
      'x-request-id': 'r-1',
    };
    const req = {
      method: 'GET',
      url: '/orders?apikey=k1&page=2&access_token=t1&api_key=k2&token=t2&key=k3&q=pie',
      headers,
      query: { apikey: 'k1', page: '2' },
    };
    const res = {
      statusCode: 200,
      getHeaders: () => ({ 'set-cookie': 'sid=s3cret', 'content-type': 'application/json' }),
      headersSent: true,
    };
    log.logger.info({ req, res }, 'request completed');
    const text = JSON.stringify(lines);
    for (const secret of [
      'top-secret',
      'also-secret',
      'x-secret',
      's3cret',
      'partner-secret',
      'cHc=',
      'k1',
      'k2',
      'k3',
      't1',
      't2',
    ]) {
      expect(text).not.toContain(secret);
    }
    const [line] = lines;
    expect(line.req.url).toBe(
      '/orders?apikey=[redacted]&page=2&access_token=[redacted]&api_key=[redacted]&token=[redacted]&key=[redacted]&q=pie',
    );
    expect(line.req.query).toEqual({ apikey: '[redacted]', page: '2' });
    expect(line.req.headers).toMatchObject({
      authorization: '[redacted]',
      'api-key': '[redacted]',
      cookie: '[redacted]',
      accept: '*/*',
      'x-request-id': 'r-1',
    });
    expect(line.res.headers).toEqual({ 'set-cookie': '[redacted]', 'content-type': 'application/json' });
    // The request itself keeps its headers: only the log line is redacted.
    expect(headers.authorization).toBe('Bearer top-secret');
  });

  it('redacts URLs as an error log quotes them, by decoded name, keeping everything else as sent', () => {
    expect(redactUrl('/x?API_KEY=1&a=%20b#top')).toBe('/x?API_KEY=[redacted]&a=%20b#top');
    expect(redactUrl('/x?api%5Fkey=1&secret')).toBe('/x?api%5Fkey=[redacted]&secret=[redacted]');
    expect(redactUrl('/x?monkey=1&keyboard=2')).toBe('/x?monkey=1&keyboard=2');
    expect(redactUrl('/push?apikey=1&oauth=2&Authorization=3&jwt=4&bearer=5&n=6')).toBe(
      '/push?apikey=[redacted]&oauth=[redacted]&Authorization=[redacted]&jwt=[redacted]&bearer=[redacted]&n=6',
    );
    expect(redactUrl('/x')).toBe('/x');
  });
});

describe('log format', () => {
  const withFormat = (logFormat: 'json' | 'pretty' | 'auto', environment = 'development') =>
    ({ ...config, environment, telemetry: { logFormat } }) as unknown as ServiceConfig;

  it('is pretty on a terminal outside production, or when LOG_FORMAT=pretty; JSON otherwise', () => {
    expect(isPretty(withFormat('auto'), true)).toBe(true);
    expect(isPretty(withFormat('auto', 'production'), true)).toBe(false);
    expect(isPretty(withFormat('auto'), false)).toBe(false);
    expect(isPretty(withFormat('pretty', 'production'), false)).toBe(true);
    expect(isPretty(withFormat('json'), true)).toBe(false);
    expect(Array.isArray(loggerParams(withFormat('pretty')).pinoHttp)).toBe(true);
    expect(Array.isArray(loggerParams(withFormat('json')).pinoHttp)).toBe(false);
  });

  it('writes one short line per entry: time, level, context and message, the ids after it', async () => {
    let text = '';
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        text += String(chunk);
        done();
      },
    });
    const logger = pino({ level: 'info' }, prettyLines(sink));
    logger.warn(
      { context: 'IntakeMessaging', event_id: 'e-1', correlation_id: 'c-1', pid: 1, hostname: 'h' },
      'dead-lettered',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[IntakeMessaging\] dead-lettered \{"event_id":"e-1","correlation_id":"c-1"\}/,
    );
  });

  it('names a request line by what it was', () => {
    const { lines, log } = requestLogger();
    const options = loggerParams(config).pinoHttp as Options;
    const req = { method: 'POST', url: '/orders?token=t1', headers: {} } as unknown as IncomingMessage;
    const message = (
      options.customSuccessMessage as (req: IncomingMessage, res: { statusCode: number }, time: number) => string
    )(req, { statusCode: 201 }, 12.4);
    expect(message).toBe('POST /orders?token=[redacted] 201 12 ms');
    expect(lines).toEqual([]);
    expect(log).toBeDefined();
  });
});
