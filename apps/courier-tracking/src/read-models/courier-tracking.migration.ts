import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settings (company, depot, route), the order-number index and the two read models. None holds personal data: name,
 * phone, address and comments live only in the sealed per-order record, joined when an order is read.
 */
export class CourierTrackingTables1767657600000 implements MigrationInterface {
  name = 'CourierTrackingTables1767657600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE company_settings (
        company_id text PRIMARY KEY,
        mark_delivered_enabled boolean NOT NULL,
        mark_delivered_radius double precision NOT NULL,
        mark_delivered_service_time_coefficient double precision NOT NULL,
        partially_finished_status_enabled boolean NOT NULL,
        time_zone text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE depots (
        company_id text NOT NULL,
        depot_id text NOT NULL,
        name text,
        time_zone text,
        mark_delivered_radius double precision,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, depot_id)
      )`);
    // Route ids are global: the position push path names a courier and a route, not a company.
    await db.query(`
      CREATE TABLE routes (
        route_id text PRIMARY KEY,
        company_id text NOT NULL,
        courier_id text NOT NULL,
        depot_id text,
        date date NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX routes_courier ON routes (courier_id)');
    // (company, number) is unique (INV-D9); written in the transaction that appends the creation.
    await db.query(`
      CREATE TABLE order_numbers (
        company_id text NOT NULL,
        number text NOT NULL,
        delivery_id uuid NOT NULL UNIQUE,
        PRIMARY KEY (company_id, number)
      )`);
    await db.query(`
      CREATE TABLE delivery_details (
        delivery_id uuid PRIMARY KEY,
        company_id text NOT NULL,
        number text NOT NULL,
        route_id text,
        status text NOT NULL,
        view jsonb NOT NULL,
        -- The stream version applied last: an event at or below it is a redelivery and changes nothing.
        version integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX delivery_details_company ON delivery_details (company_id, created_at, delivery_id)');
    await db.query('CREATE INDEX delivery_details_company_number ON delivery_details (company_id, number)');
    await db.query('CREATE INDEX delivery_details_route ON delivery_details (route_id)');
    await db.query(`
      CREATE TABLE courier_route_deliveries (
        route_id text NOT NULL,
        delivery_id uuid NOT NULL,
        company_id text NOT NULL,
        number text NOT NULL,
        status text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (route_id, delivery_id)
      )`);
    await db.query('CREATE INDEX courier_route_deliveries_delivery ON courier_route_deliveries (delivery_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['courier_route_deliveries', 'delivery_details', 'order_numbers', 'routes', 'depots', 'company_settings']) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
