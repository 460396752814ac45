import { randomBytes } from 'node:crypto';

/** Who signed in, as the services told it (`GET /me`). */
export interface Operator {
  readonly principal: string;
  readonly tenants: '*' | readonly string[];
  readonly scopes: readonly string[];
  readonly readOnly: boolean;
}

interface Session {
  readonly apiKey: string;
  readonly operator: Operator;
  lastSeen: number;
}

export const SESSION_COOKIE = 'console_session';

/**
 * Signed-in operators, in this process's memory: the browser holds only an opaque HttpOnly cookie, never the API
 * key, so a script injected into a page cannot read it. A restart signs everyone out (the key is typed again).
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly idleMs: number, private readonly now: () => number = Date.now) {}

  open(apiKey: string, operator: Operator): string {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { apiKey, operator, lastSeen: this.now() });
    return token;
  }

  find(token: string | undefined): { apiKey: string; operator: Operator } | undefined {
    const session = token ? this.sessions.get(token) : undefined;
    if (!session) return undefined;
    if (this.now() - session.lastSeen > this.idleMs) {
      this.sessions.delete(token as string);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  close(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, session] of this.sessions) if (now - session.lastSeen > this.idleMs) this.sessions.delete(token);
  }
}

/** The value of one cookie of a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}
