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

/** `Authorization: Bearer <key>` (Track & Trace style) or `Api-Key: <key>` (Market style). */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const apiKey = headers['api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const authorization = headers['authorization'];
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}
