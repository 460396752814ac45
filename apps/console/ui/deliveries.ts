import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from './api';
import { time } from './format';
import { Notice, type PageProps } from './widgets';

interface Point {
  lat: number;
  lon: number;
  time?: string;
}
interface HistoryItem {
  event: string;
  time: string;
  position?: Point;
  used_mark_delivered_radius?: number;
}
interface StatusEntry {
  status: string;
  timestamp: number;
  point?: Point;
}
interface Delivery {
  id: string | number;
  number: string;
  status: string;
  lat?: number | null;
  lon?: number | null;
  address?: string;
  customer_name?: string;
  mark_delivered_radius: number | null;
  time_interval: string;
  route_id: string | null;
  history: HistoryItem[];
  status_log: StatusEntry[];
  created_at: string;
  updated_at: string;
}

const METRES_PER_DEGREE = 111_320;

/**
 * The courier's points around the customer, in metres on a flat plane (a few hundred metres: the earth's curve does
 * not matter), with the delivery radius as a circle. Drawn here: no map tiles, nothing fetched from outside.
 */
function PointsMap({ delivery }: { delivery: Delivery }) {
  const points = [
    ...delivery.history.filter((h) => h.position).map((h) => ({ ...(h.position as Point), label: h.event })),
    ...delivery.status_log.filter((s) => s.point).map((s) => ({ ...(s.point as Point), label: s.status })),
  ];
  const centre = delivery.lat != null && delivery.lon != null ? { lat: delivery.lat, lon: delivery.lon } : points[0];
  if (!centre) return html`<p class="empty">No positions recorded for this delivery.</p>`;
  const radius = delivery.mark_delivered_radius ?? 0;
  const xy = (p: Point) => ({
    x: (p.lon - centre.lon) * METRES_PER_DEGREE * Math.cos((centre.lat * Math.PI) / 180),
    y: -(p.lat - centre.lat) * METRES_PER_DEGREE,
  });
  const placed = points.map((p) => ({ ...p, ...xy(p) }));
  const extent = Math.max(radius * 1.3, 50, ...placed.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y)) * 1.15));
  const inside = (p: { x: number; y: number }) => radius > 0 && Math.hypot(p.x, p.y) <= radius;
  return html` <figure class="map">
    <svg
      viewBox=${`${-extent} ${-extent} ${2 * extent} ${2 * extent}`}
      role="img"
      width="360"
      height="360"
      aria-label=${`${placed.length} courier points around the customer; delivery radius ${radius || 'not set'} m; ${placed.filter(inside).length} inside`}
    >
      <rect x=${-extent} y=${-extent} width=${2 * extent} height=${2 * extent} class="map-bg" />
      ${radius > 0 && html`<circle cx="0" cy="0" r=${radius} class="radius" />`}
      <circle cx="0" cy="0" r=${extent / 60} class="home" />
      ${placed.length > 1 && html`<polyline class="track" points=${placed.map((p) => `${p.x},${p.y}`).join(' ')} />`}
      ${placed.map((p) => html`<circle cx=${p.x} cy=${p.y} r=${extent / 45} class=${inside(p) ? 'pt in' : 'pt out'}><title>${p.label} ${p.time ?? ''}</title></circle>`)}
    </svg>
    <figcaption>
      Customer ● at the centre; ring = delivery radius ${radius ? `${radius} m` : '(not set)'}; points: green inside,
      orange outside.
    </figcaption>
  </figure>`;
}

export function DeliveriesPage({ tenant, arg }: PageProps) {
  const [list, setList] = useState<Delivery[] | null>(null);
  const [selected, setSelected] = useState<Delivery | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!tenant) return;
    api<Delivery[]>('GET', `/api/deliveries/${seg(tenant)}?per_page=100`).then(setList, (e: Error) =>
      setError(e.message),
    );
  }, [tenant]);
  const open = (id: string | number) =>
    api<Delivery>('GET', `/api/deliveries/${seg(tenant)}/${seg(String(id))}`).then(setSelected, (e: Error) =>
      setError(e.message),
    );
  useEffect(() => {
    if (arg && tenant) void open(arg);
  }, [arg, tenant]);
  if (!tenant)
    return html`<h1>Deliveries</h1>
      <p>Choose a company above.</p>`;
  return html` <h1>Deliveries <span class="sub">${tenant}</span></h1>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    <div class="split">
      <table aria-label="Deliveries">
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Status</th>
            <th scope="col">Window</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          ${list?.map(
            (d) =>
              html`<tr data-delivery=${d.number}>
                <td><button type="button" class="link" onClick=${() => open(d.id)}>${d.number}</button></td>
                <td><span class=${`status d-${d.status}`}>${d.status}</span></td>
                <td>${d.time_interval}</td>
                <td>${time(d.updated_at)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${list && list.length === 0 && html`<p class="empty">No deliveries.</p>`}
      ${
        selected &&
        html` <section class="detail" aria-labelledby="delivery-title">
          <div class="detail-head">
            <h2 id="delivery-title">Delivery ${selected.number}</h2>
            <button type="button" onClick=${() => setSelected(null)}>Close</button>
          </div>
          <dl class="facts">
            <dt>Status</dt>
            <dd>${selected.status}</dd>
            <dt>Window</dt>
            <dd>${selected.time_interval}</dd>
            <dt>Address</dt>
            <dd>${selected.address ?? '—'}</dd>
            <dt>Route</dt>
            <dd>${selected.route_id ?? '—'}</dd>
          </dl>
          <${PointsMap} delivery=${selected} />
          <h3>History</h3>
          <ol class="timeline">
            ${selected.history.map(
              (h) =>
                html`<li>
                  <span class="when">${time(h.time)}</span>
                  <strong>${h.event}</strong>
                  ${h.used_mark_delivered_radius ? ` (radius ${h.used_mark_delivered_radius} m)` : ''}
                </li>`,
            )}
          </ol>
          <h3>Status log</h3>
          <ol class="timeline">
            ${selected.status_log.map((s) => html`<li><span class="when">${time(new Date(s.timestamp * 1000).toISOString())}</span> <strong>${s.status}</strong></li>`)}
          </ol>
        </section>`
      }
    </div>`;
}
