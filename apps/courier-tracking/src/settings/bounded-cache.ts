/**
 * A least-recently-used map with a size limit: the settings caches hold every company, depot and route a request
 * or a position named, found or not (a miss is cached too, so a stream of unknown ids costs one query each, once),
 * and an id space the callers choose must not grow the process without bound. A Map keeps insertion order, so a
 * read moves its entry to the end and the first entry is the least recently used.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`cache limit must be a positive integer, not ${limit}`);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, and the entry becomes the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
