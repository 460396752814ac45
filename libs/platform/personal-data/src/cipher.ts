import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a fresh 96-bit IV per message; `aad` binds a ciphertext to its subject so rows cannot be swapped. */
export interface Sealed {
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly authTag: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;

export function encrypt(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, authTag: cipher.getAuthTag() };
}

export function decrypt(key: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** A wrapped key is stored as iv ‖ tag ‖ ciphertext in one column. */
export function wrapKey(masterKey: Buffer, dataKey: Buffer, subjectId: string): Buffer {
  const sealed = encrypt(masterKey, dataKey, `key:${subjectId}`);
  return Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]);
}

export function unwrapKey(masterKey: Buffer, wrapped: Buffer, subjectId: string): Buffer {
  const sealed = { iv: wrapped.subarray(0, 12), authTag: wrapped.subarray(12, 28), ciphertext: wrapped.subarray(28) };
  return decrypt(masterKey, sealed, `key:${subjectId}`);
}

/** Accepts 32 bytes as 64 hex characters or as base64. */
export function parseMasterKey(value: string | Buffer): Buffer {
  const key = Buffer.isBuffer(value) ? value : /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the personal-data master key must be ${KEY_BYTES} bytes (64 hex characters or base64)`);
  return key;
}
