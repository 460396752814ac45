import { Writable } from 'node:stream';
import pino from 'pino';
import { ServiceConfig } from '../config/service-config';
import { loggerParams } from './logger-params';

const config = { service: { name: 'probe' }, logLevel: 'info' } as ServiceConfig;

describe('logger parameters', () => {
  it('redacts credentials from the request log', () => {
    const params = loggerParams(config);
    const options = params.pinoHttp as pino.LoggerOptions;
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } });
    const logger = pino({ redact: options.redact }, sink);
    logger.info({ req: { headers: { authorization: 'Bearer top-secret', 'api-key': 'also-secret', accept: '*/*' } } }, 'request');
    const line = JSON.parse(lines[0]);
    expect(line.req.headers).toEqual({ authorization: '[redacted]', 'api-key': '[redacted]', accept: '*/*' });
  });
});
