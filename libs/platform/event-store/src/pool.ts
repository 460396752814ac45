import { Pool, type PoolConfig } from 'pg';

/**
 * A pg Pool that survives its connections dying. pg re-emits the failure of an idle connection (a database restart,
 * an administrator terminating backends, a dropped network) as an 'error' event on the pool, and an EventEmitter
 * with no listener throws it: the whole service would crash. Here it is reported; the pool opens a new connection
 * on the next query. Every platform library and service builds the pools it owns with this.
 */
export function createPool(config: PoolConfig, onIdleError: (error: Error) => void): Pool {
  const pool = new Pool(config);
  pool.on('error', onIdleError);
  // A checked-out connection has no listener of the pool's: one the server drops while its holder is between two
  // queries (a relay batch awaiting Kafka, a claimed batch of timers running its commands) would throw from the
  // socket and end the process. Nothing is hidden by listening: the next query on it rejects with the failure, and
  // the pool discards it when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
