import { ID_FORMATS, PathId, eitherFormat } from '@orders/service-kit';

// The ids of this service's paths, each by the kit's one rule of path ids (`PathId`): text no id can hold is 400,
// a value outside the format names nothing and answers 404 NOT_FOUND, word for word as a missing one.

/** `company_id`: a company (a tenant of API_KEYS). */
export const CompanyId = (): ParameterDecorator => PathId('company_id', 'company', ID_FORMATS.tenant);

/**
 * `order_id`: the order's Track & Trace integer (its company's sequence) or our UUID; `OrderIds.resolve` turns the
 * integer into the UUID within the path's company.
 */
export const OrderId = (): ParameterDecorator =>
  PathId('order_id', 'delivery', eitherFormat(ID_FORMATS.positiveInteger, ID_FORMATS.uuid));

/** A route's, depot's or courier's id: the company's own name for it (`[\w.:-]{1,80}`, as order bodies name them). */
export const RouteId = (param = 'route_id'): ParameterDecorator => PathId(param, 'route', ID_FORMATS.external);
export const DepotId = (param = 'depot_id'): ParameterDecorator => PathId(param, 'depot', ID_FORMATS.external);
export const CourierId = (param = 'courier_id'): ParameterDecorator => PathId(param, 'courier', ID_FORMATS.external);
