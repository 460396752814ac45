import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HashedApiKey, SCOPES, Scope, hashApiKey } from '../config/service-config';

/** Who is calling, and for which companies / campaigns (tenants) and with which scopes. */
export interface Principal {
  readonly id: string;
  readonly tenants: '*' | readonly string[];
  readonly scopes: readonly Scope[];
}

/** A request the API-key guard has authenticated. */
export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

/** Whether the principal may see or act on a tenant's data (a company id, a campaign id). */
export function canAccessTenant(principal: Principal | undefined, tenant: string): boolean {
  if (!principal) return false;
  return principal.tenants === '*' || principal.tenants.includes(tenant);
}

export function hasScope(principal: Principal | undefined, scope: Scope): boolean {
  return principal?.scopes.includes(scope) ?? false;
}

/**
 * Finds the principal for a presented key. Only hashes are held; the comparison runs in constant time
 * for every configured key so the answer time does not tell which prefix matched.
 */
export class ApiKeyRegistry {
  private readonly entries: { principal: Principal; digest: Buffer }[];

  constructor(keys: readonly HashedApiKey[]) {
    this.entries = keys.map((key) => ({
      principal: { id: key.principal, tenants: key.tenants ?? '*', scopes: key.scopes ?? [...SCOPES] },
      digest: Buffer.from(key.sha256, 'hex'),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  authenticate(presented: string | undefined): Principal | undefined {
    if (!presented) return undefined;
    const digest = Buffer.from(hashApiKey(presented), 'hex');
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && !found) found = entry.principal;
    }
    return found;
  }
}

/**
 * `Api-Key: <key>` (Market style) or `Authorization: Bearer <key>`; `Authorization: OAuth <key>` is the same, as
 * Track & Trace clients send their token (its reference's 401 reads "make sure the header contains the correct
 * OAuth token").
 */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const apiKey = headers['api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const authorization = headers['authorization'];
  if (typeof authorization !== 'string') return undefined;
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}

/**
 * The key in a query parameter of the request target (`?apikey=`), for the few routes whose reference puts it there.
 * Absent, empty or repeated (which one would be meant?) is no key. The request log shows it redacted
 * (logging/redaction.ts).
 */
export function queryKey(url: string | undefined, name: string): string | undefined {
  const queryAt = url?.indexOf('?') ?? -1;
  if (url === undefined || queryAt < 0) return undefined;
  const values = new URLSearchParams(url.slice(queryAt + 1)).getAll(name);
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}
