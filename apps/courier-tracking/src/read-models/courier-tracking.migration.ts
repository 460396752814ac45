import { sqlMigration } from '@orders/service-kit';

/**
 * Settings (company, depot, route), the order-number index and the two read models. None holds personal data: name,
 * phone, address and comments live only in the sealed per-order record, joined when an order is read.
 */
export const CourierTrackingTables1767657600000 = sqlMigration('CourierTrackingTables1767657600000', {
  up: [
    `
      CREATE TABLE company_settings (
        company_id text PRIMARY KEY,
        mark_delivered_enabled boolean NOT NULL,
        mark_delivered_radius double precision NOT NULL,
        mark_delivered_service_time_coefficient double precision NOT NULL,
        partially_finished_status_enabled boolean NOT NULL,
        time_zone text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    `
      CREATE TABLE depots (
        company_id text NOT NULL,
        depot_id text NOT NULL,
        name text,
        time_zone text,
        mark_delivered_radius double precision,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, depot_id)
      )`,
    // Route ids are global: the position push path names a courier and a route, not a company.
    `
      CREATE TABLE routes (
        route_id text PRIMARY KEY,
        company_id text NOT NULL,
        courier_id text NOT NULL,
        depot_id text,
        date date NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    'CREATE INDEX routes_courier ON routes (courier_id)',
    // (company, number) is unique (INV-D9); written in the transaction that appends the creation.
    `
      CREATE TABLE order_numbers (
        company_id text NOT NULL,
        number text NOT NULL,
        delivery_id uuid NOT NULL UNIQUE,
        PRIMARY KEY (company_id, number)
      )`,
    `
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
      )`,
    'CREATE INDEX delivery_details_company ON delivery_details (company_id, created_at, delivery_id)',
    'CREATE INDEX delivery_details_company_number ON delivery_details (company_id, number)',
    'CREATE INDEX delivery_details_route ON delivery_details (route_id)',
    `
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
      )`,
    'CREATE INDEX courier_route_deliveries_delivery ON courier_route_deliveries (delivery_id)',
  ],
  down: ['courier_route_deliveries', 'delivery_details', 'order_numbers', 'routes', 'depots', 'company_settings'].map((table) => `DROP TABLE ${table}`),
});
