// The memory bench's load beside the chaos driver's orders: couriers pushing positions to courier-tracking, and
// operators loading the console's pages. Each runs until `until` (Date.now()) and answers how many requests it made
// and how many of them were not answered 2xx (a busy service's 503 is part of the load, not the end of the bench).

const COURIERS = 10;
const POINTS_PER_PUSH = 20;
const TICK_S = 5;
const ROUTE_DATE = '2026-03-02';
const DAY_START_S = Date.parse(`${ROUTE_DATE}T06:00:00Z`) / 1000;

async function send(url: string, init: RequestInit & { key?: string; cookie?: string }): Promise<Response> {
  const headers: Record<string, string> = { ...(init.body ? { 'Content-Type': 'application/json' } : {}) };
  if (init.key) headers['Api-Key'] = init.key;
  if (init.cookie) headers.Cookie = init.cookie;
  const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  return response;
}

export interface Requests {
  sent: number;
  failed: number;
}

/** Sends and counts; a request that found no answer counts as failed too. */
async function counted(requests: Requests, url: string, init: Parameters<typeof send>[1]): Promise<void> {
  requests.sent++;
  const ok = await send(url, init).then(
    (response) => response.ok,
    () => false,
  );
  if (!ok) requests.failed++;
}

/**
 * `COURIERS` couriers, one route each, driving east along their own street and pushing `POINTS_PER_PUSH` points
 * (a point every 5 s of synthetic time) per request, one request in flight per courier.
 */
export async function positionsLoad(
  courierUrl: string,
  key: string,
  company: string,
  until: number,
): Promise<Requests> {
  const routes = Array.from({ length: COURIERS }, (_, c) => ({ courier: `rss-courier-${c}`, route: `rss-route-${c}` }));
  for (const { courier, route } of routes) {
    const put = await send(`${courierUrl}/api/v1/companies/${company}/routes/${route}`, {
      method: 'PUT',
      key,
      body: JSON.stringify({ courier_id: courier, date: ROUTE_DATE }),
    });
    if (!put.ok) throw new Error(`PUT route ${route} answered ${put.status}`);
  }
  const pushes: Requests = { sent: 0, failed: 0 };
  await Promise.all(
    routes.map(async ({ courier, route }, c) => {
      for (let tick = 0; Date.now() < until; tick += POINTS_PER_PUSH) {
        const positions = Array.from({ length: POINTS_PER_PUSH }, (_, i) => ({
          accuracy: 5.5,
          timestamp: DAY_START_S + (tick + i) * TICK_S,
          point: { lat: 55.5 + c * 0.01, lon: 37.3 + (tick + i) * 0.0002 },
        }));
        const path = `/api/v1/couriers/${courier}/routes/${route}/push-positions-v3?company_id=${company}`;
        await counted(pushes, `${courierUrl}${path}`, { method: 'POST', key, body: JSON.stringify({ positions }) });
      }
    }),
  );
  return pushes;
}

/**
 * Two operators signed in to the console, each loading in turn what its pages load: the page, its script and
 * style, the board's list, the deliveries, the cancellation queue and the operations page's figures.
 */
export async function consoleLoad(consoleUrl: string, key: string, company: string, until: number): Promise<Requests> {
  const signIn = await send(`${consoleUrl}/api/session`, { method: 'POST', body: JSON.stringify({ apiKey: key }) });
  if (!signIn.ok) throw new Error(`the console's sign-in answered ${signIn.status}`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const pages = [
    '/',
    '/console.js',
    '/console.css',
    `/api/board/${company}?status=ALL&pageSize=100`,
    `/api/deliveries/${company}`,
    `/api/cancellations/${company}/pending`,
    '/api/ops/projections',
    '/api/ops/consumer-lag',
    '/api/ops/subscriptions/intake',
  ];
  const loads: Requests = { sent: 0, failed: 0 };
  const operator = async () => {
    for (let i = 0; Date.now() < until; i++)
      await counted(loads, `${consoleUrl}${pages[i % pages.length]}`, { cookie });
  };
  await Promise.all([operator(), operator()]);
  return loads;
}
