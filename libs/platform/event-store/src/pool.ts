import { Pool, type PoolConfig } from 'pg';

/**
 * A pg Pool that survives its idle connections dying. pg re-emits such a failure (a database restart, an
 * administrator terminating backends, a dropped network) as an 'error' event on the pool, and an EventEmitter with
 * no listener throws it: the whole service would crash. Here it is reported; the pool opens a new connection on
 * the next query. Every platform library and service builds the pools it owns with this.
 */
export function createPool(config: PoolConfig, onIdleError: (error: Error) => void): Pool {
  const pool = new Pool(config);
  pool.on('error', onIdleError);
  return pool;
}
