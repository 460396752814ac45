import type { RecordedEvent } from './types';

/**
 * Turns a stored event of (type, fromSchemaVersion) into the shape of schema version fromSchemaVersion + 1,
 * optionally under a new type name. Stored events never change; readers see the current shape.
 */
export interface Upcaster<From = unknown, To = unknown> {
  readonly type: string;
  readonly fromSchemaVersion: number;
  readonly toType?: string;
  upcast(data: From, event: RecordedEvent<From>): To;
}

const key = (type: string, version: number) => `${version}\u0000${type}`;

export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();
  private readonly latest = new Map<string, number>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) {
      if (!Number.isInteger(upcaster.fromSchemaVersion) || upcaster.fromSchemaVersion < 1) {
        throw new Error(`upcaster for ${upcaster.type}: fromSchemaVersion must be a positive integer`);
      }
      const k = key(upcaster.type, upcaster.fromSchemaVersion);
      if (this.byKey.has(k)) throw new Error(`two upcasters for ${upcaster.type} v${upcaster.fromSchemaVersion}`);
      this.byKey.set(k, upcaster);
      const target = upcaster.toType ?? upcaster.type;
      this.latest.set(target, Math.max(this.latest.get(target) ?? 1, upcaster.fromSchemaVersion + 1));
    }
  }

  /** The schema version new events of this type are written in: the newest any upcaster produces, else 1. */
  currentSchemaVersion(type: string): number {
    return this.latest.get(type) ?? 1;
  }

  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  /** The event in its current shape (the same object when no upcaster applies). */
  upcast<D>(event: RecordedEvent): RecordedEvent<D> {
    let current = event;
    for (let steps = 0; ; steps++) {
      const upcaster = this.byKey.get(key(current.type, current.schemaVersion));
      if (!upcaster) return current as RecordedEvent<D>;
      if (steps > 100) throw new Error(`upcaster chain for ${event.type} v${event.schemaVersion} does not end`);
      current = {
        ...current,
        type: upcaster.toType ?? current.type,
        schemaVersion: current.schemaVersion + 1,
        data: upcaster.upcast(current.data, current),
      };
    }
  }
}
