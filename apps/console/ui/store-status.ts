import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { time } from './format';

interface Subscription {
  name: string; checkpoint: string; behind: number; headPosition: string;
  leaseOwner: string | null; leaseExpiresAt: string | null; updatedAt: string;
}
interface Timer { requestId: string; campaignId: string; orderId: string; dueAt: string; attempts: number; lastError: string | null }
interface Timers { scheduled: number; due: number; failing: number; next: Timer[] }

/** The services that keep an event store of their own (the BFF's `STORE_SERVICES`). */
const SERVICES = ['intake', 'marketplace', 'courier'] as const;

type Subs = { service: string; items?: Subscription[]; error?: string };
interface ReadModel {
  projection: string; servingVersion: number; switchedAt: string;
  rebuild: { version: number; processed: number; total: number; updatedAt: string | null } | null;
}
interface Projections { readModels: ReadModel[]; subscriptions: Subscription[] }

/** Subscriptions and projections of every service's store: what `ops status` shows, through the services' APIs. */
export function Subscriptions({ reads }: { reads: number }) {
  const [rows, setRows] = useState<Subs[] | null>(null);
  const [models, setModels] = useState<ReadModel[]>([]);
  useEffect(() => {
    const stores = SERVICES.map((service) =>
      api<{ subscriptions: Subscription[] }>('GET', `/api/ops/subscriptions/${service}`).then(
        (r): Subs => ({ service, items: r.subscriptions }), (e: Error): Subs => ({ service, error: e.message })));
    // The projector keeps read models and the orders.state.v1 outbox (a small store of its own).
    const projector = api<Projections>('GET', '/api/ops/projections').then(
      (p): Subs => { setModels(p.readModels); return { service: 'projector', items: p.subscriptions }; },
      (e: Error): Subs => ({ service: 'projector', error: e.message }));
    void Promise.all([...stores, projector]).then(setRows);
  }, [reads]);
  return html`
    <h2>Subscriptions and projections</h2>
    ${rows && html`
      <table class="subs" aria-label="Subscriptions and projections">
        <thead><tr><th scope="col">Service</th><th scope="col">Subscription</th><th scope="col">Checkpoint (xid/pos)</th>
          <th scope="col">Behind</th><th scope="col">Lease holder</th><th scope="col">Updated</th></tr></thead>
        <tbody>${rows.flatMap((r) => r.error
          ? [html`<tr><th scope="row">${r.service}</th><td colspan="5">not read: ${r.error}</td></tr>`]
          : (r.items ?? []).map((s) => html`
            <tr data-subscription=${s.name}>
              <th scope="row">${r.service}</th><td>${s.name}</td><td><code>${s.checkpoint}</code></td>
              <td>${s.behind === 0 ? 'caught up' : `${s.behind} behind (head ${s.headPosition})`}</td>
              <td>${s.leaseOwner ? html`${s.leaseOwner}<br /><small>until ${time(s.leaseExpiresAt ?? '')}</small>` : 'free'}</td>
              <td>${time(s.updatedAt)}</td>
            </tr>`))}</tbody>
      </table>`}
    ${models.length > 0 && html`
      <table class="subs" aria-label="Read models of the projector">
        <thead><tr><th scope="col">Read model</th><th scope="col">Serving</th><th scope="col">Since</th><th scope="col">Rebuild</th></tr></thead>
        <tbody>${models.map((m) => html`
          <tr data-read-model=${m.projection}><th scope="row">${m.projection}</th><td>version ${m.servingVersion}</td><td>${time(m.switchedAt)}</td>
            <td>${m.rebuild ? `version ${m.rebuild.version}: ${m.rebuild.processed} of ${m.rebuild.total}` : 'none under way'}</td></tr>`)}</tbody>
      </table>`}`;
}

/** Marketplace's scheduled cancellation deadlines: how many, how many overdue or retrying, the next ones due. */
export function DueTimers({ reads }: { reads: number }) {
  const [timers, setTimers] = useState<Timers | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<Timers>('GET', '/api/ops/timers').then((t) => { setTimers(t); setError(''); }, (e: Error) => setError(e.message));
  }, [reads]);
  return html`
    <h2>Due timers</h2>
    ${error && html`<p>Cancellation deadlines not read: ${error}</p>`}
    ${timers && html`
      <p class="summary" data-testid="timers-summary">${timers.scheduled} cancellation deadline(s) scheduled,
        ${' '}${timers.due} overdue, ${timers.failing} retrying</p>
      ${timers.next.length > 0 && html`
        <table aria-label="Next cancellation deadlines">
          <thead><tr><th scope="col">Due</th><th scope="col">Campaign</th><th scope="col">Order</th><th scope="col">Attempts</th></tr></thead>
          <tbody>${timers.next.map((t) => html`
            <tr data-timer=${t.requestId}><th scope="row">${time(t.dueAt)}</th><td>${t.campaignId}</td><td>${t.orderId}</td>
              <td>${t.attempts}${t.lastError ? html`<br /><small>${t.lastError}</small>` : ''}</td></tr>`)}</tbody>
        </table>`}`}`;
}
