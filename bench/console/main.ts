// `npm run bench -- console [--orders N] [--renders N] [--gap-ms MS]`: the operators' console on the real stack.
// - board first render: sign-in done, from navigation to the board's counts and lines drawn, against intake's own
//   list answer (GET …/external-orders, the JSON the page draws) fetched raw;
// - order submitted -> shown on an open board (p50/p99), against the raw server-sent event of the same order on
//   intake's stream (what the board waits for before it reloads its list);
// - page weight: bytes the browser transferred for a fresh load of the board (page, script, style, API answers).
// One stack (ConsoleStack: the services as processes, the console in process) and one browser; closed in `finally`.
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { ConsoleStack } from '@orders/console/test/console-stack';
import { machine, metric, percentile, report, type Metric } from '../lib/report';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const ORDERS = arg('orders', 200);
const RENDERS = arg('renders', 10);
const GAP_MS = arg('gap-ms', 100);

const submission = () => ({
  source: 'market', externalId: String(randomInt(1_000_000, 1_000_000_000)), submittedAt: new Date().toISOString(),
  customer: { name: 'Ivan Ivanov', phone: '+79990001122' }, address: 'Tverskaya 1, apt 5', requestedTime: null,
  serviceType: 'courier', items: [{ sku: 'PIE', name: 'Pie', quantity: 2, priceMinor: 17400 }], amountMinor: 34800, currency: 'RUB',
});

/** Intake's stream, read raw: when each `order.received` arrived (Date.now(), the clock the page uses too). */
function rawStream(url: string, key: string): { seen: Map<string, number>; opened: Promise<void>; close: () => void } {
  const seen = new Map<string, number>();
  let close = () => undefined as void;
  const opened = new Promise<void>((resolve, reject) => {
    const request = get(url, { headers: { 'Api-Key': key, Accept: 'text/event-stream' } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.includes('event: order.received') && data) seen.set(JSON.parse(data.slice(6)).orderId, Date.now());
        }
      });
      resolve();
    });
    request.on('error', reject);
    close = () => request.destroy();
  });
  return { seen, opened, close };
}

/** From navigation to the counts and lines drawn, signed in (a reload of the board, as an operator does). */
async function firstRender(page: Page, url: string, load: number): Promise<number> {
  const start = performance.now();
  // A query of its own per load: a URL that differs only by its hash would not load the page again.
  await page.goto(`${url}/?load=${load}#/board`);
  await page.locator('.count[data-status="ALL"]', { hasText: /^\d+$/ }).waitFor();
  await page.locator('tr[data-order-id]').first().waitFor();
  return performance.now() - start;
}

/** Bytes of a first visit in a fresh browser (no cache): sign-in page, sign-in, then the board drawn. */
async function freshLoadWeight(stack: ConsoleStack, company: string): Promise<number> {
  if (!stack.browser) throw new Error('the browser is not running');
  const context = await stack.browser.newContext();
  try {
    await context.addInitScript((tenant) => {
      localStorage.setItem('console.tenant', tenant);
      localStorage.setItem('console.board.filter', 'ALL');
    }, company);
    const page = await context.newPage();
    let bytes = 0;
    const counting: Promise<void>[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/events')) return;
      counting.push(response.request().sizes().then((s) => { bytes += s.responseBodySize + s.responseHeadersSize; }, () => undefined));
    });
    await page.goto(`${stack.url}/#/board`);
    await page.getByLabel('API key').fill(stack.stack.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-order-id]').first().waitFor();
    await Promise.all(counting);
    return bytes;
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const stack = new ConsoleStack();
  try {
    console.log('starting the stack (four services as processes, the console, chromium)…');
    await stack.start();
    const company = String(randomInt(100_000, 1_000_000));
    const intakeUrl = stack.stack.url('intake');
    const list = `/api/v1/companies/${company}/external-orders?status=ALL&pageSize=100`;
    for (let i = 0; i < 5; i++) await stack.intake.call('POST', `/api/v1/companies/${company}/external-orders`, submission());

    const { page } = await stack.signedIn(stack.stack.apiKey);
    await page.evaluate((tenant) => {
      localStorage.setItem('console.tenant', tenant);
      localStorage.setItem('console.board.filter', 'ALL');
      localStorage.setItem('console.sound', 'off');
    }, company);
    const renders: number[] = [];
    const raws: number[] = [];
    const weight = await freshLoadWeight(stack, company);
    for (let i = 0; i < RENDERS; i++) {
      renders.push(await firstRender(page, stack.url, i));
      const start = performance.now();
      const answer = await fetch(`${intakeUrl}${list}`, { headers: { 'Api-Key': stack.stack.apiKey } });
      await answer.arrayBuffer();
      raws.push(performance.now() - start);
    }
    const listBytes = (await (await fetch(`${intakeUrl}${list}`, { headers: { 'Api-Key': stack.stack.apiKey } })).arrayBuffer()).byteLength;

    // The open board records when each order's line appears; the raw stream when its event arrives.
    await page.getByRole('status').filter({ hasText: /^Live$/ }).waitFor();
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (globalThis as unknown as { __seen: Record<string, number> }).__seen = seen;
      new MutationObserver(() => {
        for (const row of Array.from(document.querySelectorAll('tr[data-order-id]'))) {
          const id = row.getAttribute('data-order-id') as string;
          seen[id] ??= Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const raw = rawStream(`${intakeUrl}/api/v1/companies/${company}/external-order-events`, stack.stack.apiKey);
    await raw.opened;
    const submitted = new Map<string, number>();
    for (let i = 0; i < ORDERS; i++) {
      const at = Date.now();
      const answer = await stack.intake.call<{ orderId: string }>('POST', `/api/v1/companies/${company}/external-orders`, submission());
      submitted.set(answer.body.orderId, at);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS)); // the arrival pace of orders, not a wait for a result
    }
    const ids = [...submitted.keys()];
    await page.waitForFunction((wanted) => {
      const seen = (globalThis as unknown as { __seen: Record<string, number> }).__seen;
      return wanted.every((id) => seen[id] !== undefined);
    }, ids, { timeout: 120_000 });
    const shown = await page.evaluate(() => (globalThis as unknown as { __seen: Record<string, number> }).__seen);
    raw.close();
    const board = ids.map((id) => shown[id] - (submitted.get(id) as number));
    const sse = ids.filter((id) => raw.seen.has(id)).map((id) => (raw.seen.get(id) as number) - (submitted.get(id) as number));

    const metrics: Metric[] = [
      metric('board_first_render_p50', 'ms', percentile(renders, 50), percentile(raws, 50), 'intake list JSON fetched raw (p50)',
        { notes: `${RENDERS} loads, signed in, navigation to counts and lines drawn` }),
      metric('order_shown_on_board_p50', 'ms', percentile(board, 50), percentile(sse, 50), 'raw SSE event of the order (p50)',
        { notes: `${ORDERS} orders, one every ${GAP_MS} ms; submit -> line on the open board` }),
      metric('order_shown_on_board_p99', 'ms', percentile(board, 99), percentile(sse, 99), 'raw SSE event of the order (p99)'),
      metric('board_page_weight', 'KiB', weight / 1024, listBytes / 1024, 'the board\'s list JSON alone',
        { notes: 'first visit, no cache: page, script, style, sign-in and list answers, headers included (uncompressed)' }),
    ];
    report('console', machine('PostgreSQL', stack.stack.brokers), metrics);
  } finally {
    await stack.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
