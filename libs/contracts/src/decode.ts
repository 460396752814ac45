import { type CatalogueMessage, findMessage, messagesOfTopic } from './catalogue';
import { type Envelope, HEADER, HEADERS_SCHEMA, isValidTraceparent } from './envelope';
import type { AnyMessageDefinition, PayloadOf } from './message-definition';
import { topicDefinition } from './topics';
import { MAX_VALUE_BYTES, payloadProblem, readEnvelopeHeaders } from './text-rules';
import { type FieldError, validateAgainst, validatePayload } from './validation';

/** A header as Kafka clients hand it over (a repeated header arrives as an array). */
export type HeaderValue = string | Buffer | ReadonlyArray<string | Buffer> | undefined;

/** What a decoder needs of a consumed Kafka message; no client type, so any client's message maps onto it. */
export interface InboundMessage {
  readonly topic: string;
  readonly key?: Buffer | string | null;
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly value: Buffer | string | null;
}

export interface DecodedMessage<D extends AnyMessageDefinition = AnyMessageDefinition> {
  readonly topic: string;
  readonly key: string | null;
  readonly type: D['name'];
  readonly version: D['version'];
  readonly envelope: Envelope;
  readonly payload: PayloadOf<D>;
  readonly definition: D;
}

/** A decoded catalogue message; narrow it with `message.type` (and `message.version`) to get the typed payload. */
export type CatalogueDecodedMessage = DecodedOf<CatalogueMessage>;

/** Distributes over a union of definitions, so `type` discriminates the payload. */
type DecodedOf<D> = D extends AnyMessageDefinition ? DecodedMessage<D> : never;

export interface DecodeOk {
  readonly status: 'ok';
  readonly message: CatalogueDecodedMessage;
}

/** A null value on a compacted topic: the key was deleted (e.g. an erased order on orders.state.v1). */
export interface DecodeTombstone {
  readonly status: 'tombstone';
  readonly topic: string;
  readonly key: string | null;
}

/**
 * Why a message cannot be handled. None of these get better by retrying, so a consumer sends them to the
 * dead-letter topic at once: `malformed` (no value, not UTF-8 JSON, or required headers missing or unreadable),
 * `unknown_type` (no such event-type and schema-version on this topic), `invalid` (payload breaks the schema;
 * `errors` names the fields).
 */
export interface DecodeFailure {
  readonly status: 'malformed' | 'unknown_type' | 'invalid';
  readonly reason: string;
  readonly errors: readonly FieldError[];
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly schemaVersion: number | null;
  /** For `unknown_type`: a type this topic does not carry, or a newer version of one it does. */
  readonly unknown?: 'type' | 'version';
}

export type DecodeResult = DecodeOk | DecodeTombstone | DecodeFailure;

/** A decoder of consumed messages against the catalogue. */
export type MessageDecoder = (message: InboundMessage) => DecodeResult;

export interface DecoderOptions {
  /** Only these topics are accepted (before aliasing); any other is `unknown_type`. Default: every topic. */
  readonly topics?: readonly string[];
  /**
   * Topics read as a catalogue topic: `{ 'intake.order-events.v1-test-3f2a': 'intake.order-events.v1' }`. Tests
   * isolate themselves on unique topic names and still decode with the real contracts. Or a function naming the
   * catalogue topic of any consumed one (a service's configured topic prefix).
   */
  readonly topicAliases?: Readonly<Record<string, string>> | ((topic: string) => string);
}

export function createDecoder(options: DecoderOptions = {}): MessageDecoder {
  const allowed = options.topics === undefined ? undefined : new Set(options.topics);
  const aliases = options.topicAliases ?? {};
  const catalogueTopic = typeof aliases === 'function' ? aliases : (topic: string) => aliases[topic] ?? topic;
  return (message) => {
    if (allowed && !allowed.has(message.topic)) {
      return failure(
        'unknown_type',
        `topic ${message.topic} is not consumed by this decoder`,
        [],
        readEnvelopeHeaders(message.headers).strings,
      );
    }
    return decodeMessage(catalogueTopic(message.topic), message.headers, message.value, message.key);
  };
}

/** Classifies one consumed message against the catalogue (see `DecodeFailure` for the failure kinds). */
export function decodeMessage(
  topic: string,
  headers: Readonly<Record<string, HeaderValue>>,
  value: Buffer | string | null,
  key?: Buffer | string | null,
): DecodeResult {
  const { strings, problems } = readEnvelopeHeaders(headers);
  let keyText: string | null;
  try {
    keyText = key === undefined || key === null ? null : textOf(key);
  } catch {
    return failure(
      'malformed',
      'the key is not UTF-8 text',
      [{ field: '(key)', code: 'INVALID_ENCODING', message: 'not UTF-8 text' }],
      strings,
    );
  }
  const topicEntry = topicDefinition(topic);

  if (value === null) {
    if (topicEntry?.cleanupPolicy === 'compact') return { status: 'tombstone', topic, key: keyText };
    return failure(
      'malformed',
      'the message has no value',
      [{ field: '', code: 'REQUIRED_FIELD', message: 'value is null' }],
      strings,
    );
  }
  const headerErrors = problems.length > 0 ? problems : validateAgainst(HEADERS_SCHEMA, strings);
  if (headerErrors.length > 0) {
    return failure('malformed', `headers: ${listed(headerErrors)}`, headerErrors, strings);
  }
  if (value.length > MAX_VALUE_BYTES) {
    const reason = `the value is larger than ${MAX_VALUE_BYTES} bytes`;
    return failure('malformed', reason, [{ field: '', code: 'TOO_LARGE', message: reason }], strings);
  }
  const parsed = parseJson(value);
  if (!parsed.ok)
    return failure('malformed', parsed.reason, [{ field: '', code: 'INVALID_JSON', message: parsed.reason }], strings);

  const eventType = strings[HEADER.eventType] as string;
  const schemaVersion = Number(strings[HEADER.schemaVersion]);
  if (!topicEntry) return failure('unknown_type', `topic ${topic} is not in the catalogue`, [], strings);
  const definition = findMessage(topic, eventType, schemaVersion);
  if (!definition) {
    // a newer version of a type we know is a producer ahead of us, not a stranger: operators redrive it after an upgrade
    const known = messagesOfTopic(topic).some(
      (message) => message.name === eventType && message.version < schemaVersion,
    );
    const reason = known
      ? `${eventType} v${schemaVersion} is newer than this consumer knows`
      : `${eventType} v${schemaVersion} is not a message type of ${topic}`;
    return { ...failure('unknown_type', reason, [], strings), unknown: known ? 'version' : 'type' };
  }

  const content = payloadProblem(parsed.value);
  const payloadErrors = content ? [content] : validatePayload(definition, parsed.value);
  const keyError = payloadErrors.length === 0 ? keyMismatch(definition, parsed.value, keyText) : undefined;
  const errors = keyError ? [keyError] : payloadErrors;
  if (errors.length > 0) {
    return failure('invalid', `${eventType} v${schemaVersion}: ${listed(errors)}`, errors, strings);
  }
  return {
    status: 'ok',
    message: {
      topic,
      key: keyText,
      type: definition.name,
      version: definition.version,
      envelope: envelopeOf(strings),
      payload: parsed.value,
      definition,
    } as CatalogueDecodedMessage,
  };
}

/** The first field errors as one line (the reason becomes a dead-letter header, so it stays short). */
function listed(errors: readonly FieldError[], limit = 10): string {
  const shown = errors
    .slice(0, limit)
    .map((error) => `${error.field || '(value)'} ${error.code}`)
    .join(', ');
  return errors.length > limit ? `${shown} (+${errors.length - limit} more)` : shown;
}

/**
 * A key that disagrees with the payload's key field would put the message in another partition than its
 * siblings (and break per-order ordering), so it is refused; a message without a key is accepted.
 */
function keyMismatch(definition: AnyMessageDefinition, payload: unknown, key: string | null): FieldError | undefined {
  if (key === null) return undefined;
  const expected = String((payload as Record<string, unknown>)[definition.keyField]);
  if (expected === key) return undefined;
  return {
    field: '(key)',
    code: 'KEY_MISMATCH',
    message: `the Kafka key must equal ${definition.keyField} (${expected})`,
  };
}

function envelopeOf(headers: Readonly<Record<string, string>>): Envelope {
  const eventId = headers[HEADER.eventId] as string;
  const traceparent = headers[HEADER.traceparent];
  return {
    eventId,
    eventType: headers[HEADER.eventType] as string,
    schemaVersion: Number(headers[HEADER.schemaVersion]),
    correlationId: headers[HEADER.correlationId] ?? eventId,
    causationId: headers[HEADER.causationId] ?? null,
    traceparent: traceparent !== undefined && isValidTraceparent(traceparent) ? traceparent : null,
    occurredAt: headers[HEADER.occurredAt] as string,
  };
}

function failure(
  status: DecodeFailure['status'],
  reason: string,
  errors: readonly FieldError[],
  headers: Readonly<Record<string, string>>,
): DecodeFailure {
  const version = Number(headers[HEADER.schemaVersion]);
  return {
    status,
    reason,
    errors,
    eventId: headers[HEADER.eventId] ?? null,
    eventType: headers[HEADER.eventType] ?? null,
    schemaVersion: Number.isInteger(version) && version > 0 ? version : null,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(value: Buffer | string): string {
  return typeof value === 'string' ? value : utf8.decode(value);
}

function parseJson(value: Buffer | string): { ok: true; value: unknown } | { ok: false; reason: string } {
  let text: string;
  try {
    text = textOf(value);
  } catch {
    return { ok: false, reason: 'the value is not UTF-8 text' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `the value is not JSON: ${(error as Error).message}` };
  }
}
