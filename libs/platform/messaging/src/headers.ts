import type { IHeaders } from 'kafkajs';

// The header names are part of the public envelope: one definition, in @orders/contracts (architecture: platform
// may import envelope types from contracts). Re-exported so the library's users keep one import.
export { DLQ_HEADER, HEADER } from '@orders/contracts';

export const DLQ_HEADER_PREFIX = 'dlq-';

/** kafkajs hands headers as Buffers (or arrays of them when repeated); the last value of a repeated one wins. */
export function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}
