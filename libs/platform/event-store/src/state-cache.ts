/** A small LRU of folded states per stream: a warm command then reads only the events it has not seen. */
export class StateCache<S> {
  private readonly entries = new Map<string, { version: number; state: S }>();

  constructor(private readonly maxStreams: number) {}

  get(streamId: string): { version: number; state: S } | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId); // refresh its place in the LRU order
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, version: number, state: S): void {
    const current = this.entries.get(streamId);
    if (current && current.version > version) return; // a concurrent call already knows a later state
    this.entries.delete(streamId);
    this.entries.set(streamId, { version, state });
    if (this.entries.size > this.maxStreams) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets a stream, e.g. after an append its transaction may still roll back. */
  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }
}
