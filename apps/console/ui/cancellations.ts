import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, idempotencyKey, seg } from './api';
import { duration, time } from './format';
import { ConfirmButton, Notice, type PageProps } from './widgets';

interface Pending { orderId: number; status: string; substatus?: string; version: number; requestedAt: string; deadlineAt: string; timeLeftSeconds: number }
interface Decision { orderId: number; requestedAt: string; deadlineAt: string; state: string; reason?: string; decidedBy?: string; decidedAt?: string }

const REASONS: Record<string, string> = { ORDER_DELIVERED: 'Already delivered', ORDER_IN_DELIVERY: 'Already on its way' };

/** Seconds left, counted down in the page between reloads (the server's deadline is the truth). */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Request({ campaign, request, readOnly, now, onDone }: { campaign: string; request: Pending; readOnly: boolean; now: number; onDone: () => void }) {
  const [reason, setReason] = useState('ORDER_IN_DELIVERY');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const left = Math.max(0, (Date.parse(request.deadlineAt) - now) / 1000);
  const decide = async (accepted: boolean) => {
    setBusy(true);
    setError('');
    try {
      await api('PUT', `/api/cancellations/${seg(campaign)}/${request.orderId}`, accepted ? { accepted } : { accepted, reason },
        { 'Idempotency-Key': idempotencyKey(), 'If-Match': `"${request.version}"` });
      onDone();
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const urgent = left < 3600;
  return html`
    <tr data-order-id=${request.orderId}>
      <th scope="row">${request.orderId}</th>
      <td>${request.status}${request.substatus ? ` / ${request.substatus}` : ''}</td>
      <td>${time(request.requestedAt)}</td>
      <td>${time(request.deadlineAt)}</td>
      <td class=${urgent ? 'countdown urgent' : 'countdown'}><span aria-label=${`${duration(left)} left`}>${left > 0 ? duration(left) : 'expired'}</span></td>
      <td>
        ${!readOnly && html`<div class="actions" role="group" aria-label=${`Decide the cancellation of order ${request.orderId}`}>
          <${ConfirmButton} label="Accept" confirm="Cancel the order for the buyer?" disabled=${busy || left === 0} onConfirm=${() => decide(true)} />
          <label class="sr-only" for=${`reason-${request.orderId}`}>Reason to refuse</label>
          <select id=${`reason-${request.orderId}`} value=${reason} onChange=${(e: Event) => setReason((e.target as HTMLSelectElement).value)}>
            ${Object.entries(REASONS).map(([code, label]) => html`<option value=${code}>${label}</option>`)}
          </select>
          <${ConfirmButton} label="Reject" confirm="Refuse the cancellation?" danger disabled=${busy || left === 0} onConfirm=${() => decide(false)} />
        </div>`}
        ${error && html`<${Notice} kind="error">${error}<//>`}
      </td>
    </tr>`;
}

export function CancellationsPage({ operator, tenant }: PageProps) {
  const [pending, setPending] = useState<Pending[] | null>(null);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [error, setError] = useState('');
  const now = useNow();
  const load = useCallback(async () => {
    if (!tenant) return;
    try {
      const [p, d] = await Promise.all([
        api<{ requests: Pending[] }>('GET', `/api/cancellations/${seg(tenant)}/pending?pageSize=50`),
        api<{ decisions: Decision[] }>('GET', `/api/cancellations/${seg(tenant)}/decisions?pageSize=20`),
      ]);
      setPending(p.requests);
      setDecisions(d.decisions);
      setError('');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [tenant]);
  useEffect(() => {
    void load();
    // Buyers' requests arrive from Market without a stream to the console: a calm refresh keeps the queue current.
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [load]);
  if (!tenant) return html`<h1>Cancellation queue</h1><p>Choose a campaign above.</p>`;
  return html`
    <div class="page-head"><h1>Cancellation queue <span class="sub">${tenant}</span></h1>
      <button type="button" onClick=${() => void load()}>Refresh</button></div>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    <table aria-label="Pending cancellation requests, soonest deadline first">
      <thead><tr><th scope="col">Order</th><th scope="col">Market status</th><th scope="col">Requested</th>
        <th scope="col">Deadline</th><th scope="col">Time left</th><th scope="col">Decision</th></tr></thead>
      <tbody>${pending?.map((r) => html`<${Request} key=${r.orderId} campaign=${tenant} request=${r} readOnly=${operator.readOnly} now=${now} onDone=${load} />`)}</tbody>
    </table>
    ${pending && pending.length === 0 && html`<p class="empty">No request waits for a decision.</p>`}
    <h2>Recent decisions</h2>
    <table aria-label="Recent decisions, newest first">
      <thead><tr><th scope="col">Order</th><th scope="col">Decision</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col">At</th></tr></thead>
      <tbody>${decisions.map((d) => html`<tr data-order-id=${d.orderId}><th scope="row">${d.orderId}</th><td>${d.state}</td><td>${d.reason ?? '—'}</td><td>${d.decidedBy ?? '—'}</td><td>${time(d.decidedAt)}</td></tr>`)}</tbody>
    </table>`;
}
