import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, idempotencyKey, seg, type Operator } from './api';
import { duration, money, STATUS_LABELS, time } from './format';
import { LiveBadge, useEventStream } from './live';
import { ConfirmButton, Notice, type PageProps } from './widgets';

interface Item {
  name: string;
  quantity: number;
  priceMinor?: number;
}
interface Line {
  orderId: string;
  number: string;
  source: string;
  status: string;
  customer: string | null;
  contacts: { phone: string; address: string } | null;
  requestedTime: string | null;
  amountMinor: number;
  currency: string;
  contents: Item[];
  orderedItems: Item[];
  contentsConfirmed: boolean;
  contentsChanged: boolean;
  serviceType: string;
  receivedAt: string;
  awaitingSeconds: number | null;
  version: number;
}
/** intake's order as an operator opens it (GET …/external-orders/{id}). */
interface OrderView {
  orderId: string;
  externalId: string;
  source: string;
  status: string;
  version: number;
  receivedAt: string;
  requestedTime: string | null;
  serviceType: string;
  items: Item[];
  receivedItems: Item[];
  amountMinor: number;
  currency: string;
  contentsChanged: boolean;
  customer: { name?: string; phone?: string } | null;
  address: string | null;
  comment: string | null;
  history: { version: number; type: string; occurredAt: string; actor: string | null }[];
  rejection: { reasonCode: string; rejectedBy: string } | null;
}
interface BoardPageData {
  items: Line[];
  counts: Record<string, number>;
  oldestAwaitingSeconds: number | null;
  total: number;
}

const FILTERS = ['AWAITING', 'CREATED', 'ACCEPTED', 'ON_WAY', 'ALL', 'ARCHIVED', 'DELETED', 'CANCELLED'];
const REJECTION_REASONS: Record<string, string> = {
  GUEST_REFUSED: 'Guest refused',
  GUEST_UNREACHABLE: 'Guest unreachable',
  OUT_OF_STOCK: 'Out of stock',
  OUT_OF_DELIVERY_AREA: 'Out of the delivery area',
  DUPLICATE_ORDER: 'Duplicate order',
  TEST_ORDER: 'Test order',
  OTHER: 'Other',
};

/** A short tone through Web Audio: no sound file to fetch, and silent until the operator has clicked on the page. */
function chime(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
    tone.onended = () => void audio.close();
  } catch {
    /* no audio device: the banner still shows */
  }
}

/**
 * The board stream's events. EventSource resends Last-Event-ID by itself on a reconnect; intake replays from it, or
 * sends `board.resync` when it no longer holds what this stream missed (pruned, or too much): the list is read again.
 */
const BOARD_EVENTS = ['order.received', 'order.status_changed', 'board.resync'] as const;

function OrderDetail({
  company,
  orderId,
  operator,
  onDone,
  onClose,
}: {
  company: string;
  orderId: string;
  operator: Operator;
  onDone: () => void;
  onClose: () => void;
}) {
  const [order, setOrder] = useState<OrderView | null>(null);
  const [error, setError] = useState('');
  const [reason, setReason] = useState('GUEST_REFUSED');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const load = useCallback(
    () =>
      api<OrderView>('GET', `/api/orders/${seg(company)}/${seg(orderId)}`).then(setOrder, (e: Error) =>
        setError(e.message),
      ),
    [company, orderId],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    heading.current?.focus();
  }, [orderId]);
  const act = async (action: string, body: Record<string, unknown> = {}) => {
    if (!order) return;
    setBusy(true);
    setError('');
    try {
      await api(
        'POST',
        `/api/orders/${seg(company)}/${seg(orderId)}/${action}`,
        { ...body, expectedVersion: order.version },
        { 'Idempotency-Key': idempotencyKey() },
      );
      await load();
      onDone();
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
      await load();
    } finally {
      setBusy(false);
    }
  };
  const s = order?.status;
  return html` <section class="detail" aria-labelledby="detail-title">
    <div class="detail-head">
      <h2 id="detail-title" tabindex="-1" ref=${heading}>${order ? `Order № ${order.externalId}` : 'Order …'}</h2>
      <button type="button" onClick=${onClose} aria-label="Close the order's detail">Close</button>
    </div>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    ${
      order &&
      html` <dl class="facts">
          <dt>Status</dt>
          <dd><span class=${`status s-${order.status}`}>${STATUS_LABELS[order.status] ?? order.status}</span></dd>
          <dt>Source</dt>
          <dd>${order.source}</dd>
          <dt>Guest</dt>
          <dd>${order.customer?.name ?? '—'}</dd>
          <dt>Contacts</dt>
          <dd>${[order.customer?.phone, order.address].filter(Boolean).join(', ') || '—'}</dd>
          <dt>Wanted for</dt>
          <dd>${time(order.requestedTime)}</dd>
          <dt>Received</dt>
          <dd>${time(order.receivedAt)}</dd>
          <dt>Amount</dt>
          <dd>${money(order.amountMinor, order.currency)}</dd>
          <dt>Service</dt>
          <dd>${order.serviceType}</dd>
        </dl>
        <h3>Contents${order.contentsChanged ? ' (changed)' : ''}</h3>
        <ul class="items">
          ${(order.items.length ? order.items : order.receivedItems).map((i) => html`<li>${i.quantity} × ${i.name}</li>`)}
        </ul>
        ${order.comment && html`<p>Comment: ${order.comment}</p>`}
        ${order.rejection && html`<p>Rejected (${order.rejection.reasonCode}) by ${order.rejection.rejectedBy}</p>`}
        ${
          !operator.readOnly &&
          html` <div class="actions" role="group" aria-label="Actions on this order">
            ${
              s === 'AWAITING' &&
              html` <button type="button" class="primary" disabled=${busy} onClick=${() => act('accept')}>
                  Accept
                </button>
                <span class="reject">
                  <label for="reject-reason">Reason</label>
                  <select
                    id="reject-reason"
                    value=${reason}
                    onChange=${(e: Event) => setReason((e.target as HTMLSelectElement).value)}
                  >
                    ${Object.entries(REJECTION_REASONS).map(([code, label]) => html`<option value=${code}>${label}</option>`)}
                  </select>
                  <${ConfirmButton}
                    label="Reject"
                    confirm="Reject this order?"
                    disabled=${busy}
                    danger
                    onConfirm=${() => act('reject', { reasonCode: reason })}
                  />
                </span>`
            }
            ${
              (s === 'CREATED' || s === 'ACCEPTED') &&
              html` <button
                type="button"
                disabled=${busy}
                onClick=${() => act('confirm-contents', { items: order.items.length ? order.items : order.receivedItems })}
              >
                Confirm contents
              </button>`
            }
            ${s === 'ACCEPTED' && html`<button type="button" class="primary" disabled=${busy} onClick=${() => act('dispatch')}>Dispatch</button>`}
            ${(s === 'ACCEPTED' || s === 'ON_WAY') && html`<${ConfirmButton} label="Archive" confirm="Archive this order?" disabled=${busy} onConfirm=${() => act('archive')} />`}
          </div>`
        }
        <h3>History</h3>
        <ol class="timeline">
          ${order.history.map(
            (h) =>
              html`<li>
                <span class="when">${time(h.occurredAt)}</span> <strong>${h.type}</strong
                ><span class="actor">by ${h.actor ?? '—'}</span>
              </li>`,
          )}
        </ol>
        <p><a href=${`#/audit/${seg(order.orderId)}`}>Cross-service audit of this order</a></p>`
    }
  </section>`;
}

export function BoardPage({ operator, tenant, arg }: PageProps) {
  const [filter, setFilter] = useState(localStorage.getItem('console.board.filter') ?? 'AWAITING');
  const [data, setData] = useState<BoardPageData | null>(null);
  const [error, setError] = useState('');
  const [alert, setAlert] = useState('');
  const [sound, setSound] = useState(localStorage.getItem('console.sound') !== 'off');
  const [selected, setSelected] = useState(arg);
  const loading = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  /** One list request at a time; changes that arrive meanwhile fold into one more. */
  const reload = useCallback(() => {
    if (!tenant) return;
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = api<BoardPageData>('GET', `/api/board/${seg(tenant)}?status=${filter}&pageSize=100`)
      .then(
        (page) => {
          setData(page);
          setError('');
        },
        (e: Error) => setError(e.message),
      )
      .finally(() => {
        loading.current = null;
        if (again.current) {
          again.current = false;
          reload();
        }
      });
  }, [tenant, filter]);
  useEffect(() => {
    setData(null);
    reload();
  }, [reload]);

  const live = useEventStream(tenant ? `/api/board/${seg(tenant)}/events` : null, BOARD_EVENTS, (type, data) => {
    if (type === 'order.received') {
      setAlert(`New order № ${(data as { number: string }).number}`);
      if (sound) chime();
    }
    reload();
  });
  const choose = (value: string) => {
    localStorage.setItem('console.board.filter', value);
    setFilter(value);
  };
  const toggleSound = () => {
    localStorage.setItem('console.sound', sound ? 'off' : 'on');
    setSound(!sound);
  };

  if (!tenant)
    return html`<h1>Order board</h1>
      <p>Choose a company above.</p>`;
  return html` <div class="page-head">
      <h1>Order board <span class="sub">${tenant}</span></h1>
      <${LiveBadge} live=${live} />
      <button type="button" aria-pressed=${sound} onClick=${toggleSound}>Sound ${sound ? 'on' : 'off'}</button>
    </div>
    <div class="alert-slot" role="status" aria-live="assertive">
      ${alert && html`<div class="new-order"><strong>${alert}</strong> <button type="button" onClick=${() => setAlert('')}>Dismiss</button></div>`}
    </div>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    <div class="filters" role="group" aria-label="Filter by status">
      ${FILTERS.map(
        (f) =>
          html` <button type="button" class="filter" aria-pressed=${filter === f} onClick=${() => choose(f)}>
            ${STATUS_LABELS[f]} <span class="count" data-status=${f}>${data?.counts[f] ?? '·'}</span>
          </button>`,
      )}
      ${data?.oldestAwaitingSeconds != null && html`<span class="oldest">Oldest waiting: ${duration(data.oldestAwaitingSeconds)}</span>`}
    </div>
    <div class="split">
      <table class="board" aria-label=${`${STATUS_LABELS[filter]} orders`}>
        <thead>
          <tr>
            <th scope="col">№</th>
            <th scope="col">Status</th>
            <th scope="col">Guest</th>
            <th scope="col">Wanted for</th>
            <th scope="col" class="num">Amount</th>
            <th scope="col">Contents</th>
            <th scope="col">Waiting</th>
          </tr>
        </thead>
        <tbody>
          ${data?.items.map(
            (line) =>
              html` <tr
                key=${line.orderId}
                data-order-id=${line.orderId}
                class=${selected === line.orderId ? 'selected' : ''}
              >
                <td>
                  <button type="button" class="link" onClick=${() => setSelected(line.orderId)}>
                    № ${line.number}
                  </button>
                </td>
                <td><span class=${`status s-${line.status}`}>${STATUS_LABELS[line.status] ?? line.status}</span></td>
                <td>${line.customer ?? '—'}</td>
                <td>${time(line.requestedTime)}</td>
                <td class="num">${money(line.amountMinor, line.currency)}</td>
                <td>
                  ${(line.contents.length ? line.contents : line.orderedItems).map((i) => `${i.quantity}×${i.name}`).join(', ')}
                </td>
                <td>${duration(line.awaitingSeconds)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${data && data.items.length === 0 && html`<p class="empty">No ${STATUS_LABELS[filter].toLowerCase()} orders.</p>`}
      ${
        selected &&
        html`<${OrderDetail}
          key=${selected}
          company=${tenant}
          orderId=${selected}
          operator=${operator}
          onDone=${reload}
          onClose=${() => setSelected('')}
        />`
      }
    </div>`;
}
