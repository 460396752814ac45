import { HEADER } from './headers';
import type { RawMessage } from './types';

/** Fields every log line written while one message (or chunk) is handled carries, the consumer's and the handler's. */
export type LogFields = Readonly<Record<string, string | number>>;

/**
 * Runs `work` in a logging scope whose lines carry `fields` (the service kit binds them to its pino logger for the
 * whole handling: the runner's retries and dead letters, the policy's and the command's lines). Without one, the
 * library's own lines name the message in their text.
 */
export type LogScope = <T>(fields: LogFields, work: () => Promise<T>) => Promise<T>;

// Header values are the producer's: bounded before they reach a log line (the envelope guard refuses longer ones).
const MAX_FIELD = 128;

function header(raw: RawMessage, name: string): string | undefined {
  const value = raw.headers[name];
  return value === undefined || value === '' ? undefined : value.slice(0, MAX_FIELD);
}

/** Where a message came from and which conversation it belongs to: `event_id`, `correlation_id`, `causation_id`... */
export function messageLogFields(raw: RawMessage, groupId: string): LogFields {
  const fields: Record<string, string | number> = { consumer_group: groupId, topic: raw.topic, partition: raw.partition, offset: raw.offset };
  const named: [string, string][] = [
    ['event_id', HEADER.eventId], ['event_type', HEADER.eventType], ['correlation_id', HEADER.correlationId], ['causation_id', HEADER.causationId],
  ];
  for (const [field, name] of named) {
    const value = header(raw, name);
    if (value !== undefined) fields[field] = value;
  }
  return fields;
}

/** A chunk of one partition: its offsets (each message's ids would not fit one line). */
export function chunkLogFields(raws: readonly RawMessage[], groupId: string): LogFields {
  const first = raws[0];
  return {
    consumer_group: groupId, topic: first.topic, partition: first.partition, offset: first.offset,
    last_offset: raws[raws.length - 1].offset, messages: raws.length,
  };
}
