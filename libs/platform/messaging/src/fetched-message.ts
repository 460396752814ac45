import type { IHeaders, KafkaMessage } from 'kafkajs';
import { HEADER, readHeaders } from './headers';
import type { RawMessage } from './types';

/** A fetched message with what the decoder made of it (without a decoder: the `event-type` header and the raw value). */
export interface StreamMessage extends RawMessage {
  type: string;
  payload: unknown;
  /** One header, without decoding the others (`headers` decodes them all on first use). */
  header(name: string): string | undefined;
  /** Whether a header holds exactly `expected`, compared as bytes: no string is made (the hot path's type checks). */
  headerEquals(name: string, expected: string): boolean;
}

const EVENT_TYPE = HEADER.eventType;

/**
 * Byte-wise equality of a UTF-8 header and `expected`. An ASCII string is as long in bytes as in characters, so a
 * length mismatch settles it; a non-ASCII `expected` is compared as decoded text.
 */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function bytesEqual(bytes: Buffer, expected: string): boolean {
  if (bytes.length !== expected.length) return !isAscii(expected) && bytes.toString('utf8') === expected;
  for (let i = 0; i < bytes.length; i++) {
    const code = expected.charCodeAt(i);
    if (code > 0x7f) return bytes.toString('utf8') === expected;
    if (bytes[i] !== code) return false;
  }
  return true;
}

/**
 * Key and headers are decoded when first asked for: a stream carries thousands of messages per second, and its
 * handlers typically read two or three of the seven envelope headers (the rest matter only to a dead letter).
 */
export class FetchedMessage implements StreamMessage {
  private decodedType: string | undefined;
  private decodedPayload: unknown;
  private decoded = false;
  private keyText: string | null | undefined;
  private allHeaders: Record<string, string> | undefined;

  constructor(readonly topic: string, readonly partition: number, private readonly fetched: KafkaMessage) {}

  /** What the decoder named it, or (without a decoder) the `event-type` header, read when first asked for. */
  get type(): string {
    this.decodedType ??= this.header(EVENT_TYPE) ?? '';
    return this.decodedType;
  }

  set type(type: string) {
    this.decodedType = type;
  }

  /** What the decoder made of the value; without a decoder, the value itself. */
  get payload(): unknown {
    return this.decoded ? this.decodedPayload : this.fetched.value;
  }

  set payload(payload: unknown) {
    this.decoded = true;
    this.decodedPayload = payload;
  }

  get offset(): string {
    return this.fetched.offset;
  }

  get value(): Buffer | null {
    return this.fetched.value;
  }

  get timestamp(): string {
    return this.fetched.timestamp;
  }

  get key(): string | null {
    if (this.keyText === undefined) this.keyText = this.fetched.key?.toString('utf8') ?? null;
    return this.keyText;
  }

  get headers(): Record<string, string> {
    this.allHeaders ??= readHeaders(this.fetched.headers);
    return this.allHeaders;
  }

  get rawHeaders(): IHeaders | undefined {
    return this.fetched.headers;
  }

  header(name: string): string | undefined {
    if (this.allHeaders) return this.allHeaders[name];
    const last = this.lastValue(name);
    return last === undefined ? undefined : Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }

  headerEquals(name: string, expected: string): boolean {
    const last = this.lastValue(name);
    if (last === undefined) return false;
    return Buffer.isBuffer(last) ? bytesEqual(last, expected) : String(last) === expected;
  }

  /** As readHeaders: the last value of a repeated header wins. */
  private lastValue(name: string): Buffer | string | undefined {
    const value = this.fetched.headers?.[name];
    return Array.isArray(value) ? value[value.length - 1] : value;
  }
}
