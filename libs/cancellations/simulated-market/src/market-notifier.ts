import type { MarketNotifications } from '@orders/contracts';

export interface SentNotification {
  readonly body: Readonly<Record<string, unknown>>;
  readonly status: number;
  readonly answer: unknown;
}

/** Market's answer timeout for a notification (its reference: 10 seconds). */
const NOTIFICATION_TIMEOUT_MS = 10_000;

/**
 * Sends notifications as Market does: `POST <url>` with the JSON body its sendNotification reference documents, no
 * credentials. A body the reference would not send is a bug of the simulator's caller and throws before sending.
 */
export class MarketNotifier {
  readonly sent: SentNotification[] = [];

  constructor(
    private readonly schemas: MarketNotifications,
    private readonly url: () => string | undefined,
  ) {}

  async send(body: Record<string, unknown>): Promise<SentNotification> {
    const verdict = this.schemas.check(body);
    if (!verdict.ok) throw new Error(`not a notification Market sends: ${verdict.problems.join('; ')}`);
    const url = this.url();
    if (!url) throw new Error('the simulated Market has no notification URL');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(NOTIFICATION_TIMEOUT_MS),
    });
    const text = await response.text();
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {
      // kept as text: Market logs what it got
    }
    const sent = { body, status: response.status, answer };
    this.sent.push(sent);
    return sent;
  }
}
