import { Writable } from 'node:stream';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';

/**
 * The command-header faults every service must answer alike: each service's spec sends these to its own mutating
 * routes and expects exactly these bodies (apps/README.md, "Command headers").
 */
export interface HeaderFault {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly field: string;
  readonly code: string;
}

export const COMMAND_HEADER_FAULTS: readonly HeaderFault[] = [
  { name: 'an unreadable If-Match', headers: { 'If-Match': 'three' }, field: 'If-Match', code: 'INVALID_VALUE' },
  { name: 'a list of versions in If-Match', headers: { 'If-Match': '"1", "2"' }, field: 'If-Match', code: 'INVALID_VALUE' },
  {
    name: 'an Idempotency-Key with a space', headers: { 'Idempotency-Key': 'two words' },
    field: 'Idempotency-Key', code: 'INVALID_VALUE',
  },
  {
    name: 'an Idempotency-Key over 128 characters', headers: { 'Idempotency-Key': 'k'.repeat(129) },
    field: 'Idempotency-Key', code: 'FIELD_TOO_LONG',
  },
];

/** The one error body of a command-header fault. */
export const headerFaultBody = (field: string, code: string) => ({
  status: 'ERROR',
  errors: [{ code: 'VALIDATION_FAILED', message: expect.any(String) }, { code, field, message: expect.any(String) }],
  request_id: expect.any(String),
});

/** Path segments no id can hold (a NUL, a lone surrogate, bytes that are not UTF-8): 400 BAD_REQUEST everywhere. */
export const UNREPRESENTABLE_PATH_IDS: readonly string[] = ['a%00b', 'a%ED%A0%80', 'a%FF'];

/**
 * An answer as the caller sees it with the id it asked about taken out (and the request id): a path id of the wrong
 * format must answer exactly as a missing one, so the two compare equal.
 */
export function answerWithoutId(
  response: { status: number; body: unknown },
  id: string,
): { status: number; body: unknown } {
  const body = JSON.stringify({ ...(response.body as object), request_id: '<request>' });
  return { status: response.status, body: JSON.parse(body.split(JSON.stringify(id).slice(1, -1)).join('<id>')) };
}

/**
 * Collects what the running app logs (request lines and error lines), as parsed JSON, by pointing the root pino
 * logger at a stream of ours at level `info`. Only requests that start afterwards write here; `restore` undoes it.
 */
export function captureLogs(): { readonly lines: Record<string, unknown>[]; text(): string; restore(): void } {
  const root = PinoLogger.root as pino.Logger & Record<symbol, unknown>;
  if (!root) throw new Error('no nestjs-pino root logger: is an app running?');
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => { lines.push(JSON.parse(String(chunk))); done(); } });
  const { streamSym } = pino.symbols;
  const saved = { stream: root[streamSym], level: root.level };
  root[streamSym] = sink;
  root.level = 'info';
  return {
    lines,
    text: () => JSON.stringify(lines),
    restore: () => {
      root[streamSym] = saved.stream;
      root.level = saved.level;
    },
  };
}
