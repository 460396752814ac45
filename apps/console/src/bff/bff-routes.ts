import type { Upstream } from '../config/console-settings';

/** One console route: the browser's method and path, and the service route it stands for. */
export interface BffRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** `:name` segments match one path segment. */
  readonly path: string;
  readonly upstream: Upstream;
  /** The service's path, with the same `:name` segments. */
  readonly target: string;
  /** Query parameters passed on (others are dropped: the console asks only what its pages need). */
  readonly query?: readonly string[];
  /** A server-sent event stream, piped as it comes. */
  readonly stream?: boolean;
}

/** The services that keep an event store of their own (the projector keeps read models). */
export const STORE_SERVICES = ['intake', 'marketplace', 'courier'] as const satisfies readonly Upstream[];

const ORDER_ACTIONS = ['accept', 'reject', 'confirm-contents', 'dispatch', 'archive'] as const;

/**
 * The whole BFF: a table. Each route calls the service's own public API with the operator's key; the services keep
 * every rule (tenants, scopes, versions), the console only translates paths.
 */
export const BFF_ROUTES: readonly BffRoute[] = [
  {
    method: 'GET',
    path: '/api/board/:company',
    upstream: 'intake',
    target: '/api/v1/companies/:company/external-orders',
    query: ['status', 'page', 'pageSize'],
  },
  {
    method: 'GET',
    path: '/api/board/:company/events',
    upstream: 'intake',
    target: '/api/v1/companies/:company/external-order-events',
    stream: true,
  },
  {
    method: 'GET',
    path: '/api/orders/:company/:order',
    upstream: 'intake',
    target: '/api/v1/companies/:company/external-orders/:order',
  },
  ...ORDER_ACTIONS.map((action): BffRoute => ({
    method: 'POST',
    path: `/api/orders/:company/:order/${action}`,
    upstream: 'intake',
    target: `/api/v1/companies/:company/external-orders/:order/${action}`,
  })),
  {
    method: 'GET',
    path: '/api/cancellations/:campaign/pending',
    upstream: 'marketplace',
    target: '/v2/campaigns/:campaign/cancellations/pending',
    query: ['page', 'pageSize'],
  },
  {
    method: 'GET',
    path: '/api/cancellations/:campaign/decisions',
    upstream: 'marketplace',
    target: '/v2/campaigns/:campaign/cancellations/decisions',
    query: ['page', 'pageSize'],
  },
  // The queue's changes as they commit (the page reloads what changed); what was sent to Market and what is left of
  // the campaign's Market limits.
  {
    method: 'GET',
    path: '/api/cancellations/:campaign/events',
    upstream: 'marketplace',
    target: '/v2/campaigns/:campaign/cancellations/events',
    stream: true,
  },
  {
    method: 'GET',
    path: '/api/cancellations/:campaign/market-calls',
    upstream: 'marketplace',
    target: '/v2/campaigns/:campaign/market-calls',
    query: ['orderId', 'state', 'page', 'pageSize'],
  },
  {
    method: 'GET',
    path: '/api/cancellations/:campaign/market-limits',
    upstream: 'marketplace',
    target: '/v2/campaigns/:campaign/market-limits',
  },
  {
    method: 'PUT',
    path: '/api/cancellations/:campaign/:order',
    upstream: 'marketplace',
    target: '/v2/campaigns/:campaign/orders/:order/cancellation/accept',
  },
  {
    method: 'GET',
    path: '/api/deliveries/:company',
    upstream: 'courier',
    target: '/api/v1/companies/:company/orders',
    query: ['page', 'per_page', 'status'],
  },
  {
    method: 'GET',
    path: '/api/deliveries/:company/:order',
    upstream: 'courier',
    target: '/api/v1/companies/:company/orders/:order',
  },
  { method: 'GET', path: '/api/audit/:order', upstream: 'projector', target: '/orders/:order/audit', query: ['asOf'] },
  // Each service verifies its own streams' hash chains and reports its own subscriptions (an all-company key only).
  ...STORE_SERVICES.flatMap((upstream): BffRoute[] => [
    {
      method: 'GET',
      path: `/api/audit/:order/verification/${upstream}`,
      upstream,
      target: '/ops/streams/:order/verification',
    },
    { method: 'GET', path: `/api/ops/subscriptions/${upstream}`, upstream, target: '/ops/subscriptions' },
  ]),
  { method: 'GET', path: '/api/ops/projections', upstream: 'projector', target: '/ops/projections' },
  // The rebuild button: start, and follow its progress live (the projector's SSE, piped like the board's).
  { method: 'POST', path: '/api/ops/rebuild', upstream: 'projector', target: '/ops/projections/order-summary/rebuild' },
  { method: 'GET', path: '/api/ops/rebuild', upstream: 'projector', target: '/ops/projections/order-summary/rebuild' },
  {
    method: 'GET',
    path: '/api/ops/rebuild/events',
    upstream: 'projector',
    target: '/ops/projections/order-summary/rebuild/events',
    stream: true,
  },
  { method: 'GET', path: '/api/ops/consumer-lag', upstream: 'projector', target: '/ops/consumer-lag' },
  { method: 'GET', path: '/api/ops/timers', upstream: 'marketplace', target: '/ops/timers' },
  { method: 'GET', path: '/api/ops/dead-letters', upstream: 'projector', target: '/ops/dead-letters' },
  { method: 'POST', path: '/api/ops/dead-letters/redrive', upstream: 'projector', target: '/ops/dead-letters/redrive' },
  { method: 'POST', path: '/api/ops/dead-letters/resolve', upstream: 'projector', target: '/ops/dead-letters/resolve' },
];

/** The route a request names, with its path parameters; undefined when none does. */
export function matchRoute(
  method: string,
  path: string,
): { route: BffRoute; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of BFF_ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      if (part.startsWith(':')) {
        if (!segments[i]) return false;
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (matches) return { route, params };
  }
  return undefined;
}

/** The service path for a matched route: parameters encoded again, so an id cannot add a path segment. */
export function targetPath(route: BffRoute, params: Record<string, string>, search: URLSearchParams): string {
  const path = route.target.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name]));
  const kept = new URLSearchParams();
  for (const name of route.query ?? []) for (const value of search.getAll(name)) kept.append(name, value);
  const query = kept.toString();
  return query ? `${path}?${query}` : path;
}
