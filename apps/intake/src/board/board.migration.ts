import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order board (read model): one row per order with what the list shows, fed by the `intake-board` event-store
 * subscription. No personal data: the list joins the guest's sealed record when it reads, so an erased order shows
 * none, and a rebuild from the log cannot bring it back.
 */
export class IntakeOrderBoard1767571200000 implements MigrationInterface {
  name = 'IntakeOrderBoard1767571200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
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
      )`);
    await db.query('CREATE INDEX intake_order_board_company_status ON intake_order_board (company_id, status, received_position)');
    await db.query('CREATE INDEX intake_order_board_company_received ON intake_order_board (company_id, received_position)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE intake_order_board');
  }
}
