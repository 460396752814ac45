import { sqlMigration } from '@orders/service-kit';

/**
 * Visit decisions taken from courier positions but not yet applied to their delivery's stream. A row is written
 * before the positions' offsets are committed and deleted once the decision is in the event store, so a crash in
 * between loses nothing: the service applies what is left when it starts again. Ids are UUIDv7 (time-ordered), so
 * `ORDER BY id` replays one courier's decisions in the order they were taken.
 */
export const CourierPositionDecisions1796342400000 = sqlMigration('CourierPositionDecisions1796342400000', {
  up: [
    `
      CREATE TABLE courier_position_decisions (
        id uuid PRIMARY KEY,
        company_id text NOT NULL,
        courier_id text NOT NULL,
        route_id text NOT NULL,
        delivery_id text NOT NULL,
        command jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`,
  ],
  down: ['DROP TABLE courier_position_decisions'],
});
