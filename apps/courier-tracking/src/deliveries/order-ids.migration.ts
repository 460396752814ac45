import { sqlMigration } from '@orders/service-kit';

/**
 * Track & Trace order ids are integers (seed 002: `id`, "used in requests to the Track & Trace API"); ours are
 * UUIDs and stay the streams' ids. Each order also gets an integer of its company's sequence, assigned when it is
 * created and never reused (a deleted order's integer keeps naming nothing). Orders made before this get theirs in
 * the order they were created, from the detail read model; one it did not hold yet is numbered on its first read.
 */
export const TrackAndTraceOrderIds1796601600000 = sqlMigration('TrackAndTraceOrderIds1796601600000', {
  up: [
    `
      CREATE TABLE order_ids (
        company_id text NOT NULL,
        order_id bigint NOT NULL,
        delivery_id uuid NOT NULL UNIQUE,
        PRIMARY KEY (company_id, order_id)
      )`,
    // The last integer given per company: a row lock orders concurrent creations of one company, briefly.
    'CREATE TABLE order_id_counters (company_id text PRIMARY KEY, last_id bigint NOT NULL)',
    `
      INSERT INTO order_ids (company_id, order_id, delivery_id)
      SELECT company_id, row_number() OVER (PARTITION BY company_id ORDER BY created_at, delivery_id), delivery_id
      FROM delivery_details`,
    'INSERT INTO order_id_counters (company_id, last_id) SELECT company_id, max(order_id) FROM order_ids GROUP BY company_id',
  ],
  down: ['DROP TABLE order_id_counters', 'DROP TABLE order_ids'],
});
