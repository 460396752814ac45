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
 */
export class SealingKeys {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly maxSubjects: number) {}

  get(subjectId: string): Buffer | undefined {
    const key = this.keys.get(subjectId);
    if (key !== undefined) {
      this.keys.delete(subjectId);
      this.keys.set(subjectId, key);
    }
    return key;
  }

  /** Keeps a copy: `forget` wipes it, and must not wipe a key a caller still holds (an opener of tokens, say). */
  remember(subjectId: string, key: Buffer): void {
    const known = this.keys.get(subjectId);
    this.keys.delete(subjectId);
    this.keys.set(subjectId, known ?? Buffer.from(key));
    if (this.keys.size > this.maxSubjects) this.keys.delete(this.keys.keys().next().value as string);
  }

  forget(subjectId: string): void {
    this.keys.get(subjectId)?.fill(0);
    this.keys.delete(subjectId);
  }

  get size(): number {
    return this.keys.size;
  }
}
