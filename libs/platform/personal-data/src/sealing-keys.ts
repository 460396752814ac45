/**
 * Unwrapped subject keys this process used lately, for SEALING value tokens only (never for opening: opening reads
 * the key from the database every time, so an erased subject opens nothing, here or anywhere).
 *
 * Why sealing from a stale key is safe: keys are only ever created and destroyed, never replaced. A key found here
 * is either the subject's current key or one that another process has meanwhile destroyed (erasure). A token sealed
 * with a destroyed key is unreadable by anyone, because every reader takes the key from the database, where it is
 * gone: it is crypto-shredded from birth, exactly like the tokens sealed before the erasure. So the cache can never
 * make a value readable after erasure; at worst it writes noise for a subject that no longer exists.
 *
 * Only committed keys may enter (a key read inside a caller's transaction may still be rolled back and replaced by
 * another, and tokens sealed with it would then be unreadable while the subject lives). Bounded LRU: a Map keeps
 * insertion order, so a hit is moved to the end and the first entry is the least recently used.
 *
 * And bounded in time: a key the database has not confirmed for `maxAgeMs` (a read of it: `openMany`, a seal that
 * missed) is dropped and read again. Another process's erasure then leaves its destroyed key in this memory for at
 * most that long, rather than until the cache happens to evict it.
 */
export class SealingKeys {
  private readonly keys = new Map<string, { readonly key: Buffer; readonly confirmedAt: number }>();

  constructor(private readonly maxSubjects: number, private readonly maxAgeMs = 10 * 60_000, private readonly now: () => number = Date.now) {}

  get(subjectId: string): Buffer | undefined {
    const entry = this.keys.get(subjectId);
    if (entry === undefined) return undefined;
    this.keys.delete(subjectId);
    if (this.now() - entry.confirmedAt > this.maxAgeMs) {
      entry.key.fill(0);
      return undefined;
    }
    this.keys.set(subjectId, entry);
    return entry.key;
  }

  /** Keeps a copy: `forget` wipes it, and must not wipe a key a caller still holds (an opener of tokens, say). */
  remember(subjectId: string, key: Buffer): void {
    const known = this.keys.get(subjectId);
    this.keys.delete(subjectId);
    this.keys.set(subjectId, { key: known?.key ?? Buffer.from(key), confirmedAt: this.now() });
    if (this.keys.size > this.maxSubjects) this.forget(this.keys.keys().next().value as string);
  }

  forget(subjectId: string): void {
    this.keys.get(subjectId)?.key.fill(0);
    this.keys.delete(subjectId);
  }

  get size(): number {
    return this.keys.size;
  }
}
