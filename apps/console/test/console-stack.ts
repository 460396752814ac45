import { randomBytes, randomInt } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SimulatedMarket } from '@orders/simulated-market';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the e2e harness (services as processes) is no library
import { ServiceClient } from '../../../e2e/support/http';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the e2e harness (services as processes) is no library
import { Stack } from '../../../e2e/support/stack';
import { createConsoleApp, listenConsole } from '../src/console-app';
import { launchBrowser } from './browser';

/**
 * One real stack for every page test: the four services as processes (as the e2e tests run them), the console in
 * this process on a free port in front of them, one headless chromium, and the simulated Market (in this process)
 * for `campaignId`, which marketplace-cancellations' connector calls and which notifies it. Starting these is most
 * of a run's time, so a spec file starts them once; its tests share them.
 */
export class ConsoleStack {
  readonly readOnlyKey = randomBytes(24).toString('hex');
  readonly stack = new Stack([`viewer:${this.readOnlyKey}:*:read`]);
  readonly market: SimulatedMarket;
  readonly intake = new ServiceClient(() => this.stack.url('intake'), this.stack.apiKey);
  readonly courier = new ServiceClient(() => this.stack.url('courier-tracking'), this.stack.apiKey);
  readonly marketplace = new ServiceClient(() => this.stack.url('marketplace-cancellations'), this.stack.apiKey);
  readonly projector = new ServiceClient(() => this.stack.url('projector'), this.stack.apiKey);
  browser?: Browser;
  url = '';
  private app?: NestExpressApplication;
  private readonly marketKey = `ACMA:${randomBytes(12).toString('hex')}`;

  constructor(readonly campaignId = randomInt(100_000, 1_000_000)) {
    this.market = new SimulatedMarket({ campaigns: { [campaignId]: this.marketKey } });
  }

  async start(): Promise<void> {
    // The browser starts while the services boot.
    const browser = launchBrowser().then((b) => (this.browser = b));
    await this.market.listen();
    this.stack.serviceEnv['marketplace-cancellations'] = {
      MARKET_API_URL: this.market.url,
      MARKET_CAMPAIGNS: JSON.stringify({ [this.campaignId]: { apiKey: this.marketKey } }),
      MARKET_OUTBOX_POLL_MS: '100',
    };
    await this.stack.start();
    this.market.notificationUrl = `${this.stack.url('marketplace-cancellations')}/notification`;
    Object.assign(process.env, {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      INTAKE_URL: this.stack.url('intake'),
      COURIER_URL: this.stack.url('courier-tracking'),
      MARKETPLACE_URL: this.stack.url('marketplace-cancellations'),
      PROJECTOR_URL: this.stack.url('projector'),
    });
    this.app = await createConsoleApp();
    this.url = await listenConsole(this.app);
    await browser;
  }

  /** A fresh browser context signed in with `key` through the sign-in form; the page is on `hash`. */
  async signedIn(key: string, hash = '#/board'): Promise<{ context: BrowserContext; page: Page }> {
    if (!this.browser) throw new Error('the browser is not running');
    const context = await this.browser.newContext({ viewport: { width: 1360, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${this.url}/${hash}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    return { context, page };
  }

  /** Browser, console, services, databases and topics: each closed even when another fails. */
  async stop(): Promise<void> {
    await Promise.allSettled([this.browser?.close(), this.app?.close(), this.market.close()]);
    await this.stack.stop();
  }
}
