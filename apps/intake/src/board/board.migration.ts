import { sqlMigration } from '@orders/service-kit';

/**
 * The order board (read model): one row per order with what the list shows, fed by the `intake-board` event-store
 * subscription. No personal data: the list joins the guest's sealed record when it reads, so an erased order shows
 * none, and a rebuild from the log cannot bring it back.
 */
export const IntakeOrderBoard1767571200000 = sqlMigration('IntakeOrderBoard1767571200000', {
  up: [
    `
      CREATE TABLE intake_order_board (
        order_id uuid PRIMARY KEY,
        company_id text NOT NULL,
        source text NOT NULL,
        external_id text NOT NULL,
        status text NOT NULL,
        service_type text NOT NULL,
        requested_time timestamptz,
        items jsonb NOT NULL,
        amount_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        contents_confirmed boolean NOT NULL DEFAULT false,
        contents_changed boolean NOT NULL DEFAULT false,
        received_at timestamptz NOT NULL,
        -- Arrival order: the global log position of ExternalOrderReceived (wall clocks can step back; the log cannot).
        received_position bigint NOT NULL,
        status_changed_at timestamptz NOT NULL,
        -- The stream version applied last: an event at or below it is a redelivery and changes nothing.
        version integer NOT NULL
      )`,
    'CREATE INDEX intake_order_board_company_status ON intake_order_board (company_id, status, received_position)',
    'CREATE INDEX intake_order_board_company_received ON intake_order_board (company_id, received_position)',
  ],
  down: ['DROP TABLE intake_order_board'],
});

/**
 * The board keeps the guest's lines (`ordered_items`) apart from what the order holds (`items`: the POS order's
 * contents after «Принять», empty until confirmed), and the offset the requested time was given with. Its rows are
 * a projection: they are emptied here and refilled from the log by the projection under a new subscription name
 * (`BOARD_SUBSCRIPTION`); the old name's checkpoint goes, so no status report shows it lagging forever.
 */
export const IntakeOrderBoardPosContents1800000000000 = sqlMigration('IntakeOrderBoardPosContents1800000000000', {
  up: [
    'TRUNCATE intake_order_board',
    'ALTER TABLE intake_order_board ADD COLUMN ordered_items jsonb NOT NULL, ADD COLUMN requested_time_offset text',
    // On a fresh database the event store may not have made its tables yet.
    `DO $$ BEGIN
       IF to_regclass('event_store.subscriptions') IS NOT NULL THEN
         DELETE FROM event_store.subscriptions WHERE name = 'intake-order-board';
       END IF;
     END $$`,
  ],
  // Back to the old shape: rebuild the board afterwards (POST /api/v1/admin/order-board/rebuild).
  down: [
    'TRUNCATE intake_order_board',
    'ALTER TABLE intake_order_board DROP COLUMN ordered_items, DROP COLUMN requested_time_offset',
  ],
});

/**
 * The board's change feed: every notice the projection sends, numbered in commit order, so a server-sent event
 * stream that reconnects with `Last-Event-ID` replays what it missed meanwhile instead of losing it. Written in the
 * projection's transaction with the rows and the NOTIFY, so a number is never heard before its row exists.
 */
export const IntakeBoardChanges1800000000001 = sqlMigration('IntakeBoardChanges1800000000001', {
  up: [
    `
      CREATE TABLE intake_board_changes (
        seq bigserial PRIMARY KEY,
        company_id text NOT NULL,
        notice jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`,
    'CREATE INDEX intake_board_changes_company_seq ON intake_board_changes (company_id, seq)',
  ],
  down: ['DROP TABLE intake_board_changes'],
});

/**
 * How far the board's change feed was pruned: every change numbered up to `pruned_through` is gone. A stream that
 * resumes after a number below it may have missed changes, and is told to reload instead (a `board.resync` event).
 * One row, written with each prune in the same transaction as its DELETE.
 */
export const IntakeBoardChangesHorizon1800000000002 = sqlMigration('IntakeBoardChangesHorizon1800000000002', {
  up: [
    `
      CREATE TABLE intake_board_changes_horizon (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        pruned_through bigint NOT NULL
      )`,
    'INSERT INTO intake_board_changes_horizon (pruned_through) VALUES (0)',
  ],
  down: ['DROP TABLE intake_board_changes_horizon'],
});
