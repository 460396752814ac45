import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeAjvErrors, marketOpenApi, type MarketMethodLimits, type MarketOperation } from '@orders/contracts';
import { checkRequest, type ReceivedRequest } from './market-request';
import { MarketRateLimits } from './market-rate-limits';
import { MarketNotifier, type SentNotification } from './market-notifier';
import { orderDto, SimulatedOrders, type NewOrder, type SimulatedOrder } from './simulated-orders';

export interface SimulatedMarketOptions {
  /** Campaign id → the shop's Api-Key for it. */
  campaigns: Readonly<Record<string, string>>;
  /** Where Market's notifications go: the service's `POST /notification` URL (with `?token=` when it wants one). */
  notificationUrl?: string;
  /** Overrides of Market's limits per operation (a bench at smaller budgets); Market's own by default. */
  limits?: Readonly<Record<string, Partial<MarketMethodLimits>>>;
  /** Time each call takes before its answer, so parallel calls overlap as they do over a network. */
  latencyMs?: number;
  now?: () => Date;
}

interface Fault {
  remaining: number;
  readonly status: 420 | 500 | 503;
  readonly retryAfterSeconds: number;
  readonly operationId?: string;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The Market methods the connector calls, by path (with or without Market's `/v2` prefix). */
const ROUTES: readonly { method: string; pattern: RegExp; operationId: string }[] = [
  { method: 'PUT', pattern: /^(?:\/v2)?\/campaigns\/([^/]+)\/orders\/([^/]+)\/cancellation\/accept$/, operationId: 'acceptOrderCancellation' },
  { method: 'GET', pattern: /^(?:\/v2)?\/campaigns\/([^/]+)\/orders\/([^/]+)$/, operationId: 'getOrder' },
  { method: 'GET', pattern: /^(?:\/v2)?\/campaigns\/([^/]+)\/orders$/, operationId: 'getOrders' },
];

const error = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { status: 'ERROR', errors: [{ code, message }] },
  headers,
});

/**
 * Yandex Market as the connector meets it, for tests, benchmarks and `npm start`: the Partner API methods the
 * connector calls, each request held against Market's own description (vendored in libs/contracts/market), Market's
 * Api-Key check and limits, faults on demand, and Market's notifications sent to the service as Market sends them.
 * What it received is kept for assertions (`received()`, `GET /_sim/received`); invalid requests are counted.
 */
export class SimulatedMarket {
  readonly orders = new SimulatedOrders();
  private readonly api = marketOpenApi();
  private readonly limits: MarketRateLimits;
  private readonly notifier: MarketNotifier;
  private readonly log: ReceivedRequest[] = [];
  private readonly faults: Fault[] = [];
  private readonly refusals = new Map<string, { code: string; message: string }>();
  private readonly campaigns: Map<string, string>;
  private readonly now: () => Date;
  private server?: Server;
  /** Answers of ours that break Market's description: a bug of the simulator, kept to be shown. */
  readonly invalidAnswers: string[] = [];

  constructor(private readonly options: SimulatedMarketOptions) {
    this.now = options.now ?? (() => new Date());
    this.campaigns = new Map(Object.entries(options.campaigns));
    this.limits = new MarketRateLimits(options.limits, () => this.now().getTime());
    this.notifier = new MarketNotifier(this.api.notifications, () => this.options.notificationUrl);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the simulated Market is not listening');
    return `http://${address.address}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  set notificationUrl(url: string | undefined) {
    (this.options as { notificationUrl?: string }).notificationUrl = url;
  }

  // ---- what it received ----

  received(operationId?: string): ReceivedRequest[] {
    return this.log.filter((r) => operationId === undefined || r.operationId === operationId);
  }

  /** Requests checked against Market's description, those it refuses, and answers of ours that broke it (a bug). */
  counts(): { checked: number; invalid: number; invalidAnswers: number } {
    return { checked: this.log.length, invalid: this.log.filter((r) => r.problems.length > 0).length,
      invalidAnswers: this.invalidAnswers.length };
  }

  get sentNotifications(): readonly SentNotification[] {
    return this.notifier.sent;
  }

  // ---- faults on demand ----

  /** The next `count` calls (of one operation, or any) answer `status`; 420 carries `Retry-After`. */
  failNext(count: number, status: 420 | 500 | 503, options: { retryAfterSeconds?: number; operationId?: string } = {}): void {
    this.faults.push({ remaining: count, status, retryAfterSeconds: options.retryAfterSeconds ?? 1,
      operationId: options.operationId });
  }

  /** Market refuses the shop's decision on this order with its 400 error `code`. */
  refuseDecision(campaignId: number, orderId: number, code = 'ORDER_NOT_CANCELLABLE', message = 'Order cannot be cancelled'): void {
    this.refusals.set(SimulatedOrders.key(campaignId, orderId), { code, message });
  }

  // ---- Market's side of an order's life, notified as Market notifies ----

  async createOrder(order: NewOrder, options: { notify?: boolean } = {}): Promise<SimulatedOrder> {
    const held = this.orders.add(order, this.now().toISOString());
    if (options.notify ?? true)
      await this.notifier.send({ notificationType: 'ORDER_CREATED', campaignId: held.campaignId, orderId: held.orderId,
        createdAt: held.createdAt, items: held.items.map((i) => ({ ...i })) });
    return held;
  }

  async updateStatus(campaignId: number, orderId: number, status: string, substatus: string,
    options: { notify?: boolean } = {}): Promise<void> {
    const order = this.must(campaignId, orderId);
    Object.assign(order, { status, substatus, updatedAt: this.now().toISOString() });
    if (options.notify ?? true)
      await this.notifier.send({ notificationType: 'ORDER_STATUS_UPDATED', campaignId, orderId, status, substatus,
        updatedAt: order.updatedAt });
  }

  /** The buyer cancels an order handed to delivery; `notify: false` drops the notification (a lost one). */
  async requestCancellation(campaignId: number, orderId: number, options: { notify?: boolean } = {}): Promise<void> {
    const order = this.must(campaignId, orderId);
    order.cancellation = { requestedAt: this.now().toISOString() };
    order.updatedAt = order.cancellation.requestedAt; // the request updates Market's order, as its list then shows
    if (options.notify ?? true)
      await this.notifier.send({ notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId, orderId,
        requestedAt: order.cancellation.requestedAt });
  }

  async ping(): Promise<SentNotification> {
    return this.notifier.send({ notificationType: 'PING', time: this.now().toISOString() });
  }

  private must(campaignId: number, orderId: number): SimulatedOrder {
    const order = this.orders.get(campaignId, orderId);
    if (!order) throw new Error(`the simulated Market has no order ${campaignId}/${orderId}`);
    return order;
  }

  // ---- the HTTP side ----

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://market.invalid');
    const text = await readBody(req);
    const answer = url.pathname.startsWith('/_sim/') || url.pathname === '/health'
      ? this.own(req.method ?? 'GET', url.pathname)
      : await this.market(req, url, text);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private own(method: string, path: string): Answer {
    if (method === 'GET' && path === '/health') return { status: 200, body: { status: 'UP' } };
    if (method === 'GET' && path === '/_sim/received')
      return { status: 200, body: { ...this.counts(), requests: this.log, notifications: this.notifier.sent } };
    return { status: 404, body: { status: 'ERROR', errors: [{ code: 'NOT_FOUND', message: path }] } };
  }

  private async market(req: IncomingMessage, url: URL, text: string): Promise<Answer> {
    const method = req.method ?? 'GET';
    const route = ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname));
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
    let body: unknown;
    const problems: string[] = [];
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        problems.push('body is not JSON');
      }
    }
    if (!route) {
      this.record({ operationId: 'UNKNOWN', method, path: url.pathname, query, body, problems: ['no such method'] }, 404);
      return error(404, 'NOT_FOUND', `${method} ${url.pathname} is not a Market method`);
    }
    const operation = this.api.operation(route.operationId);
    const [, campaign, order] = route.pattern.exec(url.pathname) as RegExpExecArray;
    problems.push(...checkRequest(operation, { campaignId: campaign, orderId: order }, query, body));
    const campaignId = Number(campaign);
    const orderId = order === undefined ? undefined : Number(order);
    const entry = this.record({ operationId: operation.operationId, method, path: url.pathname, campaignId, orderId,
      query, body, problems }, 0);
    const answer = await this.answer(operation, req, entry, problems);
    entry.status = answer.status;
    const validate = operation.declaredStatuses.includes(answer.status) ? operation.response(answer.status) : undefined;
    if (!validate?.(answer.body))
      this.invalidAnswers.push(`${operation.operationId} ${answer.status}: ${describeAjvErrors(validate?.errors).join('; ')}`);
    return answer;
  }

  private async answer(operation: MarketOperation, req: IncomingMessage, entry: ReceivedRequest,
    problems: readonly string[]): Promise<Answer> {
    const key = req.headers['api-key'];
    const campaignId = entry.campaignId as number;
    if (typeof key !== 'string' || key.length === 0) return error(401, 'UNAUTHORIZED', 'Api-Key is missing');
    if (this.campaigns.get(String(campaignId)) !== key)
      return error(403, 'FORBIDDEN', `Access denied for campaignId ${campaignId}`);
    if (problems.length > 0) return error(400, 'BAD_REQUEST', problems.join('; '));
    const fault = this.faults.find((f) => f.remaining > 0 && (f.operationId ?? operation.operationId) === operation.operationId);
    if (fault) {
      fault.remaining--;
      return fault.status === 420
        ? error(420, 'LIMIT_EXCEEDED', 'Hit rate limit (simulated)', { 'Retry-After': String(fault.retryAfterSeconds) })
        : error(fault.status, 'INTERNAL_ERROR', 'Simulated failure');
    }
    const slot = this.limits.take(operation.operationId, campaignId);
    if (!slot.ok) return error(420, slot.code, slot.message, { 'Retry-After': String(slot.retryAfterSeconds) });
    try {
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      return this.handle(operation.operationId, campaignId, entry);
    } finally {
      slot.release();
    }
  }

  private handle(operationId: string, campaignId: number, entry: ReceivedRequest): Answer {
    if (operationId === 'getOrders') return this.list(campaignId, entry.query);
    const order = this.orders.get(campaignId, entry.orderId as number);
    if (!order) return error(404, 'NOT_FOUND', `Order ${entry.orderId} not found`);
    if (operationId === 'getOrder') return { status: 200, body: { order: orderDto(order) } };
    const refusal = this.refusals.get(SimulatedOrders.key(campaignId, order.orderId));
    if (refusal) return error(400, refusal.code, refusal.message);
    const { accepted, reason } = entry.body as { accepted: boolean; reason?: string };
    const pending = order.cancellation;
    if (!pending) return error(400, 'ORDER_NOT_WAITING_FOR_CANCELLATION', `Order ${order.orderId} has no cancellation request`);
    if (pending.decision)
      return pending.decision.accepted === accepted
        ? { status: 200, body: { status: 'OK' } }
        : error(400, 'CANCELLATION_ALREADY_DECIDED', `Order ${order.orderId}: the cancellation is already decided`);
    if (!accepted && reason === undefined) return error(400, 'REASON_REQUIRED', 'reason is required when accepted=false');
    const at = this.now().toISOString();
    pending.decision = { accepted, reason, at };
    if (accepted) Object.assign(order, { status: 'CANCELLED', substatus: 'USER_CHANGED_MIND', updatedAt: at });
    return { status: 200, body: { status: 'OK' } };
  }

  private list(campaignId: number, query: Readonly<Record<string, string[]>>): Answer {
    const waiting = query.onlyWaitingForCancellationApprove?.[0] === 'true';
    const ids = query.orderIds?.flatMap((v) => v.split(',')).map(Number);
    let orders = waiting ? this.orders.waitingForApprove(campaignId) : this.orders.ofCampaign(campaignId);
    if (ids) orders = orders.filter((o) => ids.includes(o.orderId));
    const limit = Number(query.limit?.[0] ?? 50);
    const from = Number(Buffer.from(query.pageToken?.[0] ?? query.page_token?.[0] ?? '', 'base64url').toString() || 0);
    const page = orders.slice(from, from + limit);
    const next = from + limit < orders.length ? Buffer.from(String(from + limit)).toString('base64url') : undefined;
    return { status: 200, body: { orders: page.map(orderDto), paging: next ? { nextPageToken: next } : {} } };
  }

  private record(entry: Omit<ReceivedRequest, 'at' | 'status'>, status: number): ReceivedRequest {
    const held: ReceivedRequest = { ...entry, at: this.now().toISOString(), status };
    this.log.push(held);
    return held;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
