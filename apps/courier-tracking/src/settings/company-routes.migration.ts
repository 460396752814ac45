import { sqlMigration } from '@orders/service-kit';

/**
 * A route's identity is (company, route id): every company names its routes as it likes, and no answer can tell one
 * company that another holds an id (issue 14). Route ids were global, so a PUT of another company's id answered 404
 * where a fresh id answered 200. The position push names no company in its path: it finds the route among the
 * companies its key acts for (route id and courier), hence the index. `down` fails once two companies share an id.
 */
export const CompanyScopedRoutes1796515200000 = sqlMigration('CompanyScopedRoutes1796515200000', {
  up: [
    'ALTER TABLE routes DROP CONSTRAINT routes_pkey',
    'ALTER TABLE routes ADD PRIMARY KEY (company_id, route_id)',
    'DROP INDEX routes_courier',
    'CREATE INDEX routes_route_courier ON routes (route_id, courier_id)',
    // The read models are asked for a company's route, never for a route id alone.
    'DROP INDEX delivery_details_route',
    'CREATE INDEX delivery_details_company_route ON delivery_details (company_id, route_id)',
    'CREATE INDEX courier_route_deliveries_company_route ON courier_route_deliveries (company_id, route_id)',
  ],
  down: [
    'DROP INDEX courier_route_deliveries_company_route',
    'DROP INDEX delivery_details_company_route',
    'CREATE INDEX delivery_details_route ON delivery_details (route_id)',
    'DROP INDEX routes_route_courier',
    'CREATE INDEX routes_courier ON routes (courier_id)',
    'ALTER TABLE routes DROP CONSTRAINT routes_pkey',
    'ALTER TABLE routes ADD PRIMARY KEY (route_id)',
  ],
});
