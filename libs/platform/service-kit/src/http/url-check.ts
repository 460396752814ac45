import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorEnvelope } from '../errors/error-envelope';
import { textProblem } from '../validation/text-check';
import type { TracedRequest } from './request-ids';

/**
 * What is wrong with a request target's path or query, or undefined. Each part is percent-decoded as UTF-8 the
 * way the router will: bytes that are not UTF-8 (a lone surrogate's generalised encoding `%ED%A0%80`, `%FF`) and
 * malformed escapes (`%zz`) are refused, and so is a decoded NUL.
 */
export function urlProblem(url: string): string | undefined {
  // Without a percent sign nothing decodes to anything else: the URL as it is holds a NUL or a lone surrogate exactly
  // when one of its parts does (splitting at ASCII separators cannot part a surrogate pair), so nearly every request
  // is answered here without splitting and decoding.
  if (!url.includes('%') && textProblem(url) === undefined) return undefined;
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const parts = [
    ...path.split('/').map((segment) => ({ where: 'path', text: segment })),
    ...query.split('&').flatMap((pair) => pair.split('=')).map((text) => ({ where: 'query', text: text.replace(/\+/g, ' ') })),
  ];
  for (const { where, text } of parts) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return `the ${where} holds a malformed percent-encoding or bytes that are not UTF-8`;
    }
    const problem = textProblem(decoded);
    if (problem) return `the ${where} holds a ${problem}`;
  }
  return undefined;
}

/**
 * Answers 400 for a path or query that no handler should see, before guards and interceptors: those run before
 * the validation pipe, and one of them writing the path's campaign id to PostgreSQL answered 500 on a NUL.
 */
export function refuseBrokenUrls(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const problem = urlProblem(req.url ?? '/');
  if (!problem) return next();
  const id = (req as TracedRequest).id;
  const body: ErrorEnvelope = { status: 'ERROR', errors: [{ code: 'BAD_REQUEST', message: problem }], request_id: id === undefined ? undefined : String(id) };
  res.statusCode = 400;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
