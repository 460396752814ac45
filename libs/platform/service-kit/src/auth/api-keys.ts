import { timingSafeEqual } from 'node:crypto';
import { HashedApiKey, hashApiKey } from '../config/service-config';

export interface Principal {
  readonly id: string;
}

/**
 * Finds the principal for a presented key. Only hashes are held; the comparison runs in constant time
 * for every configured key so the answer time does not tell which prefix matched.
 */
export class ApiKeyRegistry {
  private readonly entries: { principal: string; digest: Buffer }[];

  constructor(keys: readonly HashedApiKey[]) {
    this.entries = keys.map((key) => ({ principal: key.principal, digest: Buffer.from(key.sha256, 'hex') }));
  }

  get size(): number {
    return this.entries.length;
  }

  authenticate(presented: string | undefined): Principal | undefined {
    if (!presented) return undefined;
    const digest = Buffer.from(hashApiKey(presented), 'hex');
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && !found) found = { id: entry.principal };
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
