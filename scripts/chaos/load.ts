import { Prng } from '../simulator/prng';
import { ChaosClient, type Answer } from './client';
import type { ChaosStack } from './stack';

/**
 * What happens to an order after intake accepted it (and courier-tracking made its delivery):
 * finish: delivered, nobody asks to cancel; reject: the buyer asks to cancel (Market's notifications), then the
 * delivery finishes, so the delivered-order policy rejects the request; cancel: the buyer asks, the shop accepts, so the
 * delivery and the intake order are cancelled; expire: the buyer asks and nobody decides, so the 48-hour timer accepts
 * it (its deadline set to fall due during the run) and the delivery and the intake order are cancelled.
 */
export type Kind = 'finish' | 'reject' | 'cancel' | 'expire';
export const KINDS: readonly Kind[] = ['finish', 'reject', 'cancel', 'expire'];

/** One command of the chain, as a client sends it. */
export type Step = 'submit' | 'accept' | 'finish' | 'inDelivery' | 'request' | 'decide';

export interface ChaosOrder {
  readonly seq: number;
  readonly kind: Kind;
  readonly marketOrderId: number;
  /** intake's id, which is the delivery's and the read models' too. */
  orderId?: string;
  readonly offered: Step[];
  readonly acknowledged: Step[];
  /** Steps not sent because an earlier one was never acknowledged. */
  abandoned: boolean;
}

export interface LoadOptions {
  readonly orders: number;
  /** Stops offering new orders after this long (the orders under way finish). */
  readonly seconds: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly kinds: readonly Kind[];
  /** For `expire`: how long after the order's request its deadline falls due, at random in [min, max] ms. */
  readonly expireWithinMs?: readonly [number, number];
  /** Idempotency keys start with it: unique per scenario on a stack (the default is the stack's suffix). */
  readonly keyPrefix?: string;
  /** How long one command is retried (service down, broker or database out) before it counts as not acknowledged. */
  readonly commandDeadlineMs?: number;
}

const DECISION_WINDOW_MS = 48 * 3_600_000;

/**
 * Drives orders through the services' HTTP APIs as their clients do: intake's API, courier-tracking's API, Market's
 * notifications to marketplace-cancellations and the shop's decision. Every command and whether it was acknowledged is
 * kept for the checker.
 */
export class LoadDriver {
  readonly orders: ChaosOrder[] = [];
  readonly campaignId: number;
  private readonly random: Prng;
  private readonly intake: ChaosClient;
  private readonly courier: ChaosClient;
  private readonly marketplace: ChaosClient;
  private stopped = false;

  constructor(private readonly stack: ChaosStack, private readonly options: LoadOptions) {
    this.random = new Prng(options.seed);
    this.campaignId = 100_000 + this.random.int(900_000);
    const deadline = options.commandDeadlineMs ?? 120_000;
    this.intake = new ChaosClient(stack, 'intake', deadline);
    this.courier = new ChaosClient(stack, 'courier-tracking', deadline);
    this.marketplace = new ChaosClient(stack, 'marketplace-cancellations', deadline);
  }

  get company(): string {
    return String(this.campaignId);
  }

  /** Stop offering new orders (those under way go on). */
  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    const until = Date.now() + this.options.seconds * 1000;
    const base = 1_000_000 + this.random.int(1_000_000_000);
    let next = 0;
    const worker = async () => {
      while (!this.stopped && next < this.options.orders && Date.now() < until) {
        const seq = next++;
        const order: ChaosOrder = { seq, kind: this.random.pick(this.options.kinds), marketOrderId: base + seq, offered: [], acknowledged: [],
          abandoned: false };
        this.orders.push(order);
        const expireIn = this.options.expireWithinMs ? this.between(this.options.expireWithinMs) : 0;
        await this.drive(order, expireIn);
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
  }

  private between([min, max]: readonly [number, number]): number {
    return min + this.random.int(Math.max(1, max - min));
  }

  private async drive(order: ChaosOrder, expireIn: number): Promise<void> {
    const key = (step: Step) => `chaos-${this.options.keyPrefix ?? this.stack.suffix}-${order.seq}-${step}`;
    const company = this.company;
    const submitted = await this.step(order, 'submit', () => this.intake.call<{ orderId: string }>('POST',
      `/api/v1/companies/${company}/external-orders`, this.submission(order), { 'Idempotency-Key': key('submit') }));
    if (!submitted) return;
    order.orderId = submitted.body.orderId;
    const orderPath = `/api/v1/companies/${company}/external-orders/${order.orderId}`;
    if (!(await this.step(order, 'accept', () => this.intake.call('POST', `${orderPath}/accept`, {},
      { 'Idempotency-Key': key('accept'), 'X-Correlation-Id': key('accept') })))) return;
    const deliveryPath = `/api/v1/companies/${company}/orders/${order.orderId}`;
    // The delivery is courier-tracking's answer to the acceptance (over Kafka): the client sees it appear.
    if (!(await this.courier.until(deliveryPath, (answer) => answer.status === 200))) {
      order.abandoned = true;
      return;
    }
    if (order.kind !== 'finish') {
      const requestedAt = order.kind === 'expire' ? Date.now() - DECISION_WINDOW_MS + expireIn : Date.now();
      if (!(await this.notify(order, 'inDelivery', {
        notificationType: 'ORDER_STATUS_UPDATED', campaignId: this.campaignId, orderId: order.marketOrderId, status: 'DELIVERY',
        substatus: 'DELIVERY_SERVICE_RECEIVED', updatedAt: new Date(requestedAt - 60_000).toISOString(),
      }))) return;
      if (!(await this.notify(order, 'request', {
        notificationType: 'ORDER_CANCELLATION_REQUEST', campaignId: this.campaignId, orderId: order.marketOrderId,
        requestedAt: new Date(requestedAt).toISOString(),
      }))) return;
    }
    if (order.kind === 'finish' || order.kind === 'reject') {
      await this.step(order, 'finish', () => this.courier.call('PATCH', deliveryPath, { status: 'finished', initiator: 'app' },
        { 'Idempotency-Key': key('finish') }));
    } else if (order.kind === 'cancel') {
      const marketOrder = `/v2/campaigns/${this.campaignId}/orders/${order.marketOrderId}`;
      // The shop decides once Market's request is in its queue (the notification is taken in, then worked off).
      const pending = await this.marketplace.until<{ order?: { cancelRequested?: boolean } }>(marketOrder,
        (answer) => answer.status === 200 && answer.body.order?.cancelRequested === true);
      if (!pending) {
        order.abandoned = true;
        return;
      }
      await this.step(order, 'decide', () => this.marketplace.call('PUT', `${marketOrder}/cancellation/accept`, { accepted: true },
        { 'Idempotency-Key': key('decide') }));
    }
  }

  private notify(order: ChaosOrder, step: Step, body: object): Promise<Answer | undefined> {
    return this.step(order, step, () => this.marketplace.call('POST', '/notification', body));
  }

  /** Sends one command; true when it was acknowledged (2xx). */
  private async step<T>(order: ChaosOrder, step: Step, send: () => Promise<Answer<T>>): Promise<Answer<T> | undefined> {
    order.offered.push(step);
    const answer = await send();
    if (answer.status >= 200 && answer.status < 300) {
      order.acknowledged.push(step);
      return answer;
    }
    order.abandoned = true;
    return undefined;
  }

  private submission(order: ChaosOrder) {
    return {
      source: 'market', externalId: String(order.marketOrderId), submittedAt: new Date().toISOString(),
      customer: { name: 'Chaos Monkey', phone: '+79990001122' }, address: 'Tverskaya 1, apt 5', requestedTime: null,
      serviceType: 'courier', items: [{ sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 }], amountMinor: 34800, currency: 'RUB',
    };
  }
}
