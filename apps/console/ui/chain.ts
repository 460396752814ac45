import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from './api';

interface Broken { streamVersion: number; reason: string; message: string }
interface StreamCheck { streamId: string; ok: boolean; checkedEvents: number; broken: Broken | null }
interface Verification { id: string; ok: boolean; streams: StreamCheck[] }

/** The services whose own event stores hold an order's streams (the BFF's `STORE_SERVICES`). */
const SERVICES = ['intake', 'marketplace', 'courier'] as const;

type Outcome = { service: string; streams?: StreamCheck[]; error?: string };

const verdict = (s: StreamCheck): string => s.ok
  ? `chain intact (${s.checkedEvents} event${s.checkedEvents === 1 ? '' : 's'})`
  : `broken at version ${s.broken?.streamVersion ?? '?'}: ${s.broken?.reason ?? ''}`;

/**
 * Each service recomputes the hash chains of the order's streams in its own store (`ops verify --stream`): an
 * audit an operator can trust says whether the history it shows was altered since it was written.
 */
export function ChainVerification({ order, reads }: { order: string; reads: number }) {
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  useEffect(() => {
    setOutcomes(null);
    void Promise.all(SERVICES.map((service) =>
      api<Verification>('GET', `/api/audit/${seg(order)}/verification/${service}`).then(
        (v): Outcome => ({ service, streams: v.streams }),
        (e: Error): Outcome => ({ service, error: e.message }),
      ))).then(setOutcomes);
  }, [order, reads]);
  const all = outcomes?.flatMap((o) => o.streams ?? []) ?? [];
  const overall = !outcomes ? 'checking…' : outcomes.some((o) => o.error) ? 'not fully checked'
    : all.length === 0 ? 'no stream found' : all.every((s) => s.ok) ? 'chain intact' : 'chain broken';
  return html`
    <section class="chain" aria-labelledby="chain-head">
      <h2 id="chain-head">Streams' hash chains: <span class="sub" data-testid="chain-verdict">${overall}</span></h2>
      ${outcomes && html`<ul>
        ${outcomes.flatMap((o) => o.error
          ? [html`<li data-service=${o.service}><span class=${`source src-${o.service}`}>${o.service}</span> not verified: ${o.error}</li>`]
          : o.streams?.length === 0
            ? [html`<li data-service=${o.service}><span class=${`source src-${o.service}`}>${o.service}</span> no stream of this order</li>`]
            : (o.streams ?? []).map((s) => html`
              <li data-service=${o.service} data-stream=${s.streamId} class=${s.ok ? 'intact' : 'broken'}>
                <span class=${`source src-${o.service}`}>${o.service}</span> <code>${s.streamId}</code>
                ${' '}<strong>${verdict(s)}</strong>${s.broken ? html`<br /><small>${s.broken.message}</small>` : ''}
              </li>`))}
      </ul>`}
    </section>`;
}
