import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from './api';
import { ChainVerification } from './chain';
import { time } from './format';
import { Notice, type PageProps } from './widgets';

interface Entry {
  eventId: string;
  type: string;
  source: string;
  actor: string;
  occurredAt: string;
  causationId: string | null;
  correlationId: string;
  position: string;
}
interface Audit {
  orderId: string;
  asOf: string | null;
  timeline: Entry[];
  status: string | null;
  erased: boolean;
  state: Record<string, unknown> | null;
}

export function AuditPage({ arg }: PageProps) {
  const [draft, setDraft] = useState(arg);
  const [audit, setAudit] = useState<Audit | null>(null);
  const [asOf, setAsOf] = useState<number | null>(null);
  const [error, setError] = useState('');
  // Show again on the same order reads it again: the projector may have caught up meanwhile.
  const [reads, setReads] = useState(0);
  useEffect(() => setDraft(arg), [arg]);
  useEffect(() => {
    if (!arg) return;
    setAudit(null);
    setError('');
    const query = asOf === null ? '' : `?asOf=${encodeURIComponent(new Date(asOf).toISOString())}`;
    api<Audit>('GET', `/api/audit/${seg(arg)}${query}`).then(setAudit, (e: Error) => setError(e.message));
  }, [arg, asOf, reads]);
  const first = audit?.timeline[0] ? Date.parse(audit.timeline[0].occurredAt) : 0;
  const [bounds, setBounds] = useState<[number, number] | null>(null);
  useEffect(() => {
    if (audit && asOf === null && audit.timeline.length)
      setBounds([first, Date.parse(audit.timeline[audit.timeline.length - 1].occurredAt)]);
  }, [audit]);
  const byId = new Map(audit?.timeline.map((e) => [e.eventId, e]) ?? []);
  return html` <h1>Audit</h1>
    <form
      class="inline"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        setAsOf(null);
        setReads(reads + 1);
        location.hash = `#/audit/${seg(draft.trim())}`;
      }}
    >
      <label for="audit-order">Order id</label>
      <input id="audit-order" value=${draft} onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)} />
      <button type="submit" class="primary">Show</button>
    </form>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    ${
      audit &&
      html` <p class="summary">
          Status
          <strong data-testid="audit-status">${audit.status ?? '—'}</strong
          >${audit.erased ? ' · personal data erased' : ''} ${' · '}${audit.timeline.length}
          events${audit.asOf ? ` as of ${time(audit.asOf)}` : ''}
        </p>
        ${
          bounds &&
          bounds[1] > bounds[0] &&
          html` <div class="slider">
            <label for="as-of">State as of</label>
            <input
              id="as-of"
              type="range"
              min=${bounds[0]}
              max=${bounds[1]}
              step="any"
              value=${asOf ?? bounds[1]}
              onChange=${(e: Event) => setAsOf(Number((e.target as HTMLInputElement).value))}
            />
            <output for="as-of">${time(new Date(asOf ?? bounds[1]).toISOString())}</output>
            ${asOf !== null && html`<button type="button" onClick=${() => setAsOf(null)}>Now</button>`}
          </div>`
        }
        <${ChainVerification} order=${arg} reads=${reads} />
        <ol class="timeline" aria-label="Timeline in causal order">
          ${audit.timeline.map(
            (e) =>
              html` <li data-event-type=${e.type}>
                <span class="when">${time(e.occurredAt)}</span>
                <span class=${`source src-${e.source}`}>${e.source}</span>
                <strong>${e.type}</strong>
                <span class="actor">by ${e.actor}</span>
                <span class="cause"
                  >${
                    !e.causationId
                      ? 'first cause'
                      : byId.has(e.causationId)
                        ? `caused by ${byId.get(e.causationId)?.type}`
                        : `caused by ${e.causationId} (a request or message outside this order)`
                  }</span
                >
                <span class="corr" title="correlation id">${e.correlationId}</span>
              </li>`,
          )}
        </ol>`
    }`;
}
