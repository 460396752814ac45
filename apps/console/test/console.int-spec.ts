import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOPIC } from '@orders/contracts';
import { Kafka, logLevel } from 'kafkajs';
import type { Locator, Page } from 'playwright-core';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the e2e harness (services as processes) is no library
import { expectStatus } from '../../../e2e/support/http';
import { seriousViolations } from './browser';
import { ConsoleStack } from './console-stack';

/*
 * The console in headless chromium against the real stack (intake, courier-tracking, marketplace-cancellations and
 * the projector as processes; the console in this process). One stack and one browser for every test: starting
 * them is most of the time. Every wait is on a condition in the page; none on the clock.
 */
jest.setTimeout(120_000);

const SHOTS = join(__dirname, '..', '..', '..', 'docs', 'console');
const WAIT_MS = 60_000;

describe('the operators console in a browser', () => {
  const campaignId = randomInt(100_000, 1_000_000);
  const stack = new ConsoleStack(campaignId);
  const company = String(campaignId);
  let operator: Page;
  let acceptedOrderId = '';

  const submission = (marketOrderId: number, name = 'Pie') => ({
    source: 'market',
    externalId: String(marketOrderId),
    submittedAt: new Date().toISOString(),
    customer: { name: 'Ivan Ivanov', phone: '+79990001122' },
    address: 'Tverskaya 1, apt 5',
    requestedTime: null,
    serviceType: 'courier' as const,
    items: [{ sku: name.toUpperCase(), name, quantity: 2, priceMinor: 17400 }],
    amountMinor: 34800,
    currency: 'RUB',
  });
  const submit = async (marketOrderId: number, name?: string): Promise<string> =>
    expectStatus(
      await stack.intake.call<{ orderId: string }>(
        'POST',
        `/api/v1/companies/${company}/external-orders`,
        submission(marketOrderId, name),
      ),
      201,
      'submit',
    ).orderId;
  const chooseTenant = async (page: Page) => {
    await page.getByLabel('Company / campaign').fill(company);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
  };
  /** Clicks `refresh` until `target` shows: for pages that read a read model on demand (it catches up in its time). */
  const untilShown = async (target: Locator, refresh: () => Promise<unknown>) => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      await refresh();
      try {
        await target.first().waitFor({ timeout: 2000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${String(error)}\n${stack.stack.logs()}`);
      }
    }
  };
  /** Waits until `probe` holds: for what the services do in their own time (no page to watch). */
  const untilTrue = async (probe: () => Promise<boolean>) => {
    const deadline = Date.now() + WAIT_MS;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out\n${stack.stack.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  const expectAccessible = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await stack.start();
    operator = (await stack.signedIn(stack.stack.apiKey)).page;
    operator.setDefaultTimeout(WAIT_MS);
    await chooseTenant(operator);
  }, 240_000);

  afterAll(async () => stack.stop(), 120_000);

  it('shows a new order live on the board, with an alert and the counts, and accepts it', async () => {
    await operator
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor();
    await submit(randomInt(1_000_000, 1_000_000_000), 'Borscht');
    const marketOrderId = randomInt(1_000_000, 1_000_000_000);
    const orderId = await submit(marketOrderId);
    const row = operator.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor();
    await operator.getByText(`New order № ${marketOrderId}`).waitFor();
    await operator.locator('.count[data-status="AWAITING"]', { hasText: /^[1-9]\d*$/ }).waitFor();
    await row.getByRole('button', { name: `№ ${marketOrderId}` }).click();
    await operator.getByRole('heading', { name: `Order № ${marketOrderId}` }).waitFor();
    await shot(operator, 'board');
    await expectAccessible(operator);
    await operator.getByRole('button', { name: 'Accept', exact: true }).click();
    await operator.locator('.detail .status', { hasText: 'Created' }).waitFor();
    // It left the awaiting list (live), and intake agrees.
    await row.waitFor({ state: 'detached' });
    const order = await stack.intake.get<{ status: string }>(`/api/v1/companies/${company}/external-orders/${orderId}`);
    expect(order.body.status).toBe('CREATED');
    acceptedOrderId = orderId;
  });

  it('shows the accepted order on the audit page: intake and courier-tracking events with actor and cause', async () => {
    expect(acceptedOrderId).not.toBe('');
    await operator.goto(`${stack.url}/#/audit/${acceptedOrderId}`);
    await untilShown(operator.locator('li[data-event-type="DeliveryCreated"]'), () =>
      operator.getByRole('button', { name: 'Show', exact: true }).last().click(),
    );
    const accepted = operator.locator('li[data-event-type="ExternalOrderAccepted"]');
    await expect(accepted.locator('.actor').textContent()).resolves.toBe('by e2e');
    await expect(operator.locator('li[data-event-type="DeliveryCreated"] .cause').textContent()).resolves.toBe(
      'caused by ExternalOrderAccepted',
    );
    // Intake and courier-tracking each recomputed the hash chain of the order's stream in their own store.
    await operator
      .getByTestId('chain-verdict')
      .filter({ hasText: /^chain intact$/ })
      .waitFor();
    await expect(operator.locator('.chain li.intact').count()).resolves.toBeGreaterThanOrEqual(2);
    await shot(operator, 'audit');
    await expectAccessible(operator);
  });

  it('lists the delivery of the accepted order with its detail, history and radius drawing', async () => {
    await operator.goto(`${stack.url}/#/deliveries`);
    const link = operator.locator('tr[data-delivery] button').first();
    await untilShown(link, () => operator.reload());
    await link.click();
    await operator.getByRole('heading', { name: /^Delivery / }).waitFor();
    await operator.locator('.detail figure.map, .detail p.empty').first().waitFor();
    await shot(operator, 'deliveries');
    await expectAccessible(operator);
  });

  it('shows a cancellation live, decides it, and shows what Market was sent, its answer and the limits', async () => {
    /** A prepaid order Market hands to delivery, its buyer then cancelling: Market notifies the service of each. */
    const buyerCancels = async (marketOrderId: number) => {
      await stack.market.createOrder({ campaignId, orderId: marketOrderId, paymentType: 'PREPAID' });
      // ORDER_CREATED asks the connector for Market's order: read before the next notification, as Market would.
      await untilTrue(async () =>
        (await marketCalls(marketOrderId)).some((c) => c.operation === 'getOrder' && c.state === 'SENT'),
      );
      await stack.market.updateStatus(campaignId, marketOrderId, 'DELIVERY', 'DELIVERY_SERVICE_RECEIVED');
      await stack.market.requestCancellation(campaignId, marketOrderId);
    };
    const marketCalls = async (orderId: number) =>
      (
        await stack.marketplace.get<{ calls: { operation: string; state: string }[] }>(
          `/v2/campaigns/${campaignId}/market-calls?orderId=${orderId}`,
        )
      ).body.calls;
    const decided = randomInt(1_000_000, 1_000_000_000);
    const waiting = decided + 1;
    const orderId = await submit(decided);
    expectStatus(
      await stack.intake.call('POST', `/api/v1/companies/${company}/external-orders/${orderId}/accept`, {}),
      200,
      'accept',
    );
    // The page is open before the requests exist: they must arrive through its stream, with no reload and no click.
    await operator.goto(`${stack.url}/#/cancellations`);
    await operator.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await buyerCancels(decided);
    await buyerCancels(waiting);
    const row = (id: number) =>
      operator.locator(`tbody tr[data-order-id="${id}"]`).filter({ has: operator.locator('.countdown') });
    await row(decided).waitFor();
    await row(waiting).waitFor();
    await expect(row(decided).locator('.countdown').textContent()).resolves.toMatch(/\d+ (h|min|s)/);
    await row(decided).getByRole('button', { name: 'Accept', exact: true }).click();
    await row(decided).getByRole('button', { name: 'Yes, accept' }).click();
    // The decision, what went to Market and Market's answer, as the connector recorded it; the limits it spent.
    const decision = operator.locator(`tr[data-order-id="${decided}"]`, { hasText: 'ACCEPTED' });
    await decision.locator('[data-testid="market-call"]', { hasText: /PUT accepted → 200 OK/ }).waitFor();
    await expect(decision.textContent()).resolves.toContain('SENT, 1 attempt');
    const limits = operator.getByRole('table', { name: /Market limits/ });
    await limits.locator('tr[data-resource="to-market:acceptOrderCancellation"]', { hasText: '499 of 500' }).waitFor();
    await expect(row(waiting).count()).resolves.toBe(1);
    await shot(operator, 'cancellations');
    await expectAccessible(operator);
    const sent = stack.market.received('acceptOrderCancellation').filter((r) => r.orderId === decided);
    expect(sent.map((r) => [r.status, r.body])).toEqual([[200, { accepted: true }]]);
  });

  it('redrives a dead letter and resolves the one its second failure left, with who and when', async () => {
    // A message intake cannot read, as a broken upstream would publish it: intake dead-letters it.
    const kafka = new Kafka({
      clientId: 'console-spec',
      brokers: stack.stack.brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: stack.stack.prefix + TOPIC.externalOrders,
        acks: -1,
        messages: [{ key: company, value: 'not json {' }],
      });
    } finally {
      await producer.disconnect();
    }
    const dlq = `${stack.stack.prefix}${TOPIC.externalOrders}.dlq`;
    await operator.goto(`${stack.url}/#/operations`);
    const refresh = () => operator.getByRole('button', { name: 'Refresh' }).click();
    await untilShown(operator.locator(`tr[data-letter^="${dlq}/"]`), refresh);
    const letter = (await operator.locator(`tr[data-letter^="${dlq}/"]`).first().getAttribute('data-letter')) as string;
    const first = operator.locator(`tr[data-letter="${letter}"]`);
    // Every service's subscriptions with checkpoint, lag and lease (intake's relay among them), and the due timers.
    await operator.locator('table.subs tr[data-subscription]').first().waitFor();
    await operator.locator('tr[data-read-model]', { hasText: 'version 1' }).first().waitFor();
    await operator
      .getByTestId('timers-summary')
      .filter({ hasText: /^\d+ cancellation deadline\(s\) scheduled/ })
      .waitFor();
    // Consumer-group lag per group and topic (the projector reads the broker), partitions on demand: intake's group
    // has dead-lettered the poison message, so it committed past it.
    const intakeLag = operator.locator(`table.lag tr[data-lag^="${stack.stack.prefix}"]`, {
      hasText: `${stack.stack.prefix}${TOPIC.externalOrders}`,
    });
    await untilShown(intakeLag, refresh);
    await intakeLag.first().locator('summary').click();
    await intakeLag.first().locator('tr[data-partition]').first().waitFor();
    // The rebuild button: a new version of the order summary, its progress streamed live, then it serves.
    const rebuild = operator.locator('section.rebuild');
    await rebuild.getByRole('button', { name: 'Rebuild', exact: true }).click();
    await rebuild.getByRole('button', { name: 'Yes, rebuild' }).click();
    const run = operator.getByTestId('rebuild-run');
    await operator.locator('[data-testid="rebuild-run"][data-status="done"]').waitFor();
    await expect(run.getByRole('status').textContent()).resolves.toMatch(
      /^version 2 serves now \(was 1\): \d+ events folded in .* started by e2e$/,
    );
    await expect(run.locator('progress').evaluate((bar: HTMLProgressElement) => bar.value === bar.max)).resolves.toBe(
      true,
    );
    await operator.locator('tr[data-read-model]', { hasText: 'version 2' }).first().waitFor();
    await shot(operator, 'operations', true);
    await expectAccessible(operator);
    await first.getByRole('button', { name: 'Redrive' }).click();
    await first.getByRole('button', { name: 'Yes, redrive' }).click();
    await first.locator('.mark', { hasText: /^redriven to .* by e2e/ }).waitFor();
    // The redriven message failed again: a second letter, which says where it came from.
    const second = operator.locator('tr[data-letter]', { hasText: `redriven from ${letter}` });
    await untilShown(second, refresh);
    await second.getByLabel('Note').fill('poison from a broken upstream');
    await second.getByRole('button', { name: 'Resolve' }).click();
    await second.getByRole('button', { name: 'Yes, resolve' }).click();
    await second.locator('.mark', { hasText: /^resolved by e2e, .*\(poison from a broken upstream\)$/ }).waitFor();
    await operator.getByText('0 open of 2').waitFor();
  });

  it('offers a read-only principal no action on any page', async () => {
    const { context, page } = await stack.signedIn(stack.readOnlyKey);
    try {
      page.setDefaultTimeout(WAIT_MS);
      await chooseTenant(page);
      await page.getByText('read-only').waitFor();
      await page.getByRole('button', { name: /^All / }).click();
      const link = page.locator('tr[data-order-id] button').first();
      await link.waitFor();
      await link.click();
      await page.getByRole('heading', { name: /^Order № / }).waitFor();
      await page.locator('.detail dl.facts').waitFor();
      for (const name of ['Accept', 'Reject', 'Dispatch', 'Archive', 'Confirm contents']) {
        await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
      }
      await shot(page, 'board-read-only');
      await page.goto(`${stack.url}/#/cancellations`);
      await page.getByRole('heading', { name: 'Recent decisions' }).waitFor();
      await page.locator('tbody tr[data-order-id]').first().waitFor();
      await expect(page.getByRole('button', { name: /^(Accept|Reject)$/ }).count()).resolves.toBe(0);
      await expectAccessible(page);
      await page.goto(`${stack.url}/#/operations`);
      await page.locator('tr[data-letter]').first().waitFor();
      await expect(page.getByRole('button', { name: /^(Redrive|Resolve|Rebuild)$/ }).count()).resolves.toBe(0);
      await expect(page.locator('section.rebuild').count()).resolves.toBe(0);
      // The BFF refuses the rebuild to a read-only key before the projector is asked.
      const refused = await page.evaluate(async () => (await fetch('/api/ops/rebuild', { method: 'POST' })).status);
      expect(refused).toBe(403);
    } finally {
      await context.close();
    }
  });
});
