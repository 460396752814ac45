import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, idempotencyKey, seg } from './api';
import { duration, time } from './format';
import { LiveBadge, useEventStream } from './live';
import { ConfirmButton, Notice, type PageProps } from './widgets';

interface Pending { orderId: number; status: string; substatus?: string; version: number; requestedAt: string; deadlineAt: string; timeLeftSeconds: number }
interface Decision { orderId: number; requestedAt: string; deadlineAt: string; state: string; reason?: string; decidedBy?: string; decidedAt?: string }
/** One call of the connector to Market (GET …/market-calls). */
interface MarketCall {
  id: string; operation: string; orderId: number; causeId: string; state: 'PENDING' | 'SENT' | 'REFUSED';
  sent: { method: string; path: string; body: { accepted: boolean; reason?: string } | null };
  answer: { status: number | null; summary: string | null } | null;
  attempts: number; nextAttemptAt: string | null; settledAt: string | null;
}
interface MarketLimit {
  resource: string; perHour: number | null; usedThisHour: number; leftThisHour: number | null; parallel: number;
  parallelInUse: number; resetsAt: string;
}

const REASONS: Record<string, string> = { ORDER_DELIVERED: 'Already delivered', ORDER_IN_DELIVERY: 'Already on its way' };
const RESOURCE_WORDS: Record<string, string> = {
  'to-market:acceptOrderCancellation': 'Decisions (PUT cancellation/accept)',
  'to-market:getOrder': 'Order reads (GET order)',
  'to-market:getOrders': 'Order lists (GET orders)',
};

/** Seconds left, counted down in the page between changes (the server's deadline is the truth). */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** What went to Market and what it said, in a line: `PUT accepted → 200 OK`, or the failure and the next attempt. */
function MarketCallCell({ call }: { call: MarketCall | undefined }) {
  if (!call) return html`<span class="muted">not sent</span>`;
  const sent = call.sent.body;
  const body = !sent ? '' : sent.accepted ? 'accepted' : `refused${sent.reason ? ` (${sent.reason})` : ''}`;
  const answer = call.answer ? `${call.answer.status ?? 'no answer'} ${call.answer.summary ?? ''}`.trim() : 'waiting';
  const next = call.nextAttemptAt ? `, next ${time(call.nextAttemptAt)}` : '';
  const tries = call.attempts === 1 ? '1 attempt' : `${call.attempts} attempts`;
  return html`<span class=${`market-call mc-${call.state}`} title=${`${call.sent.method} ${call.sent.path}`}>
    <code>${call.sent.method}</code> ${body} → <strong>${answer}</strong>
    <span class="muted"> · ${call.state}, ${tries}${next}</span>
    </span>`;
}

function Request({ campaign, request, readOnly, now }: {
  campaign: string; request: Pending; readOnly: boolean; now: number;
}) {
  const [reason, setReason] = useState('ORDER_IN_DELIVERY');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const left = Math.max(0, (Date.parse(request.deadlineAt) - now) / 1000);
  // The stream brings the decision back as a change: no reload from here.
  const decide = async (accepted: boolean) => {
    setBusy(true);
    setError('');
    try {
      await api('PUT', `/api/cancellations/${seg(campaign)}/${request.orderId}`, accepted ? { accepted } : { accepted, reason },
        { 'Idempotency-Key': idempotencyKey(), 'If-Match': `"${request.version}"` });
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

function LimitsTable({ limits }: { limits: MarketLimit[] }) {
  return html`
    <table class="limits" aria-label="Market limits left to the campaign this hour">
      <thead><tr><th scope="col">Calls to Market</th><th scope="col" class="num">Left this hour</th>
        <th scope="col" class="num">In flight</th><th scope="col">Hour resets</th></tr></thead>
      <tbody>${limits.map((l) => html`<tr data-resource=${l.resource}>
        <th scope="row">${RESOURCE_WORDS[l.resource] ?? l.resource}</th>
        <td class="num">${l.leftThisHour === null ? 'no hourly limit' : `${l.leftThisHour} of ${l.perHour}`}</td>
        <td class="num">${l.parallelInUse} of ${l.parallel}</td>
        <td>${time(l.resetsAt)}</td></tr>`)}</tbody>
    </table>`;
}

/** One load of a list at a time; changes that arrive meanwhile fold into one more. */
function useSerialLoad(load: () => Promise<void>): () => void {
  const state = useRef({ running: false, again: false });
  const current = useRef(load);
  current.current = load;
  return useCallback(function run() {
    const s = state.current;
    if (s.running) { s.again = true; return; }
    s.running = true;
    void current.current().finally(() => {
      s.running = false;
      if (s.again) { s.again = false; run(); }
    });
  }, []);
}

export function CancellationsPage({ operator, tenant }: PageProps) {
  const [pending, setPending] = useState<Pending[] | null>(null);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [calls, setCalls] = useState<MarketCall[]>([]);
  const [limits, setLimits] = useState<MarketLimit[]>([]);
  const [error, setError] = useState('');
  const now = useNow();
  const failed = (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure));
  const loadQueue = useSerialLoad(async () => {
    if (!tenant) return;
    try {
      const [p, d] = await Promise.all([
        api<{ requests: Pending[] }>('GET', `/api/cancellations/${seg(tenant)}/pending?pageSize=50`),
        api<{ decisions: Decision[] }>('GET', `/api/cancellations/${seg(tenant)}/decisions?pageSize=20`),
      ]);
      setPending(p.requests);
      setDecisions(d.decisions);
      setError('');
    } catch (failure) { failed(failure); }
  });
  const loadMarket = useSerialLoad(async () => {
    if (!tenant) return;
    try {
      const [c, l] = await Promise.all([
        api<{ calls: MarketCall[] }>('GET', `/api/cancellations/${seg(tenant)}/market-calls?pageSize=50`),
        api<{ limits: MarketLimit[] }>('GET', `/api/cancellations/${seg(tenant)}/market-limits`),
      ]);
      setCalls(c.calls);
      setLimits(l.limits);
    } catch (failure) { failed(failure); }
  });
  // The service says what changed, not how: `ready` (every connect) and `reload` mean read everything again, so a
  // change made while the stream was down is never missed.
  const live = useEventStream(tenant ? `/api/cancellations/${seg(tenant)}/events` : null,
    ['ready', 'reload', 'queue.changed', 'market.changed'], (type) => {
      if (type !== 'market.changed') loadQueue();
      if (type !== 'queue.changed') loadMarket();
    });
  // Loaded at once too, so a stream that cannot open (no more streams for this key, the service away) still leaves
  // the lists on the page, with the badge saying they are not live.
  useEffect(() => {
    setPending(null); setDecisions([]); setCalls([]); setLimits([]);
    loadQueue();
    loadMarket();
  }, [tenant, loadQueue, loadMarket]);
  if (!tenant) return html`<h1>Cancellation queue</h1><p>Choose a campaign above.</p>`;
  // The latest decision call per order (the list is newest first).
  const decisionCalls = new Map<number, MarketCall>();
  for (const call of calls) {
    const first = call.operation === 'acceptOrderCancellation' && !decisionCalls.has(call.orderId);
    if (first) decisionCalls.set(call.orderId, call);
  }
  return html`
    <div class="page-head"><h1>Cancellation queue <span class="sub">${tenant}</span></h1>
      <${LiveBadge} live=${live} /></div>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    <table aria-label="Pending cancellation requests, soonest deadline first">
      <thead><tr><th scope="col">Order</th><th scope="col">Market status</th><th scope="col">Requested</th>
        <th scope="col">Deadline</th><th scope="col">Time left</th><th scope="col">Decision</th></tr></thead>
      <tbody>${pending?.map((r) => html`
        <${Request} key=${r.orderId} campaign=${tenant} request=${r} readOnly=${operator.readOnly} now=${now} />`)}
      </tbody>
    </table>
    ${pending && pending.length === 0 && html`<p class="empty">No request waits for a decision.</p>`}
    <h2>Recent decisions</h2>
    <table aria-label="Recent decisions, newest first, with what Market was sent and answered">
      <thead><tr><th scope="col">Order</th><th scope="col">Decision</th><th scope="col">Reason</th>
        <th scope="col">By</th><th scope="col">At</th>
        <th scope="col">Sent to Market → its answer</th></tr></thead>
      <tbody>${decisions.map((d) => html`<tr data-order-id=${d.orderId}>
        <th scope="row">${d.orderId}</th><td>${d.state}</td><td>${d.reason ?? '—'}</td><td>${d.decidedBy ?? '—'}</td>
        <td>${time(d.decidedAt)}</td>
        <td data-testid="market-call"><${MarketCallCell} call=${decisionCalls.get(d.orderId)} /></td></tr>`)}</tbody>
    </table>
    <h2>Market limits</h2>
    <${LimitsTable} limits=${limits} />`;
}
