/**
 * One step of a stored event type from `fromSchemaVersion` to the next: pure, from the stored payload alone. A
 * domain declares its steps with this shape and the application registers them with its event store (structurally
 * the store's `Upcaster`, so domains import no platform code). The log is never rewritten; readers see the current
 * shape, and new events of the type are written in it.
 */
export interface StoredEventUpcaster {
  readonly type: string;
  readonly fromSchemaVersion: number;
  upcast(data: unknown): unknown;
}
