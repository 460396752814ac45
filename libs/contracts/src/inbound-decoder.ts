import { createDecoder, type DecoderOptions, type InboundMessage } from './decode';

/**
 * The decoder shape of the consumer runner in `@orders/messaging` (its `Decoder`), written out structurally so this
 * package imports nothing of ours. The runner dead-letters every refusal with `reason` as the error message (field
 * paths included); `unknown-type` and `unknown-version` are also counted as parked, for a redrive after an upgrade.
 */
export type InboundDecoded =
  | { readonly ok: true; readonly type: string; readonly payload: unknown; readonly id?: string }
  | { readonly ok: false; readonly classification: 'malformed' | 'invalid' | 'unknown-type' | 'unknown-version'; readonly reason: string };

export type InboundDecoder = (message: InboundMessage) => InboundDecoded;

/** The `event-type` a tombstone (null value on a compacted topic) is dispatched as; it has no payload. */
export const TOMBSTONE_TYPE = 'Tombstone';

/**
 * A catalogue decoder for the messaging library's consumer runner and Nest transport: the handler receives the
 * validated payload (typed by the message type it subscribes to, e.g. `ExternalOrderAcceptedV1`).
 */
export function createInboundDecoder(options: DecoderOptions = {}): InboundDecoder {
  const decode = createDecoder(options);
  return (message) => {
    const result = decode(message);
    switch (result.status) {
      case 'ok':
        return { ok: true, type: result.message.type, payload: result.message.payload, id: result.message.envelope.eventId };
      case 'tombstone':
        return { ok: true, type: TOMBSTONE_TYPE, payload: null };
      case 'unknown_type':
        return { ok: false, classification: result.unknown === 'version' ? 'unknown-version' : 'unknown-type', reason: result.reason };
      default:
        return { ok: false, classification: result.status, reason: result.reason };
    }
  };
}

/** Every catalogue topic, no aliases: `decode: decodeInbound` in the consumer options. */
export const decodeInbound: InboundDecoder = createInboundDecoder();
