import type { IncomingMessage, ServerResponse } from 'node:http';

// The few Express additions the console uses (the repository has no @types/express; Nest's platform is Express).
export type Request = IncomingMessage & { body?: unknown; originalUrl: string };

export interface CookieOptions {
  httpOnly?: boolean; sameSite?: 'strict' | 'lax'; secure?: boolean; path?: string; maxAge?: number;
}

export type Response = ServerResponse & {
  status(code: number): Response;
  json(body: unknown): void;
  send(body: Buffer | string): void;
  cookie(name: string, value: string, options: CookieOptions): void;
  clearCookie(name: string, options: CookieOptions): void;
};
