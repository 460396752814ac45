import { decrypt, encrypt } from './cipher';

// A small value sealed under its subject's key, as a string an event payload can carry: `pd1.` + base64url of
// iv ‖ tag ‖ ciphertext. The additional data binds it to its subject and to this purpose, so a token cannot be
// moved to another subject, nor taken for a record or a wrapped key (those use other additional data).

const PREFIX = 'pd1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const additionalData = (subjectId: string): string => `value:${subjectId}`;

export function sealValueToken(key: Buffer, subjectId: string, value: unknown): string {
  const sealed = encrypt(key, Buffer.from(JSON.stringify(value)), additionalData(subjectId));
  return PREFIX + Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]).toString('base64url');
}

/** Throws on a string that is not a token, or one sealed for another subject or tampered with. */
export function openValueToken<V>(key: Buffer, subjectId: string, token: string): V {
  if (!isValueToken(token)) throw new Error('not a personal-data value token');
  const bytes = Buffer.from(token.slice(PREFIX.length), 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw new Error('a personal-data value token too short to hold a value');
  const sealed = { iv: bytes.subarray(0, IV_BYTES), authTag: bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: bytes.subarray(IV_BYTES + TAG_BYTES) };
  return JSON.parse(decrypt(key, sealed, additionalData(subjectId)).toString('utf8')) as V;
}

export const isValueToken = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);
