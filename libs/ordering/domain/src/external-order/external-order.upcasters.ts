import type { StoredEventUpcaster } from '@orders/decider-kit';

// Version 1 of ExternalOrderReceived, as stored, and the step to version 2 (external-order.events.ts). Version 1
// kept the requested time as an instant in UTC only; the offset the client gave it with was not recorded, so it
// stays unknown (null) and the order is answered in UTC, as it always was.

type Stored = Readonly<Record<string, unknown>>;

export function upcastReceivedV1(data: Stored): Stored {
  return 'requestedTimeOffset' in data ? data : { ...data, requestedTimeOffset: null };
}

/** Register these with the store that holds ExternalOrder streams (`EventStoreOptions.upcasters`). */
export const EXTERNAL_ORDER_UPCASTERS: readonly StoredEventUpcaster[] = [
  { type: 'ExternalOrderReceived', fromSchemaVersion: 1, upcast: (data) => upcastReceivedV1(data as Stored) },
];
