import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from './api';
import { time } from './format';
import { ConsumerLag } from './consumer-lag';
import { RebuildPanel } from './rebuild';
import { DueTimers, Subscriptions } from './store-status';
import { ConfirmButton, Notice, type PageProps } from './widgets';

interface Mark {
  action: 'redriven' | 'resolved';
  by: string;
  at: string;
  note: string | null;
  redrivenTo: string | null;
}
interface Letter {
  topic: string;
  partition: number;
  offset: string;
  origin: string;
  eventType: string | null;
  classification: string;
  attempts: number;
  error: string;
  failedAt: string;
  redrivenFrom: string | null;
  handled: Mark | null;
}
interface Topic {
  topic: string;
  letters: number;
  open: number;
  items: Letter[];
}

const markText = (mark: Mark | null): string =>
  !mark
    ? 'open'
    : `${mark.action === 'redriven' ? `redriven${mark.redrivenTo ? ` to ${mark.redrivenTo}` : ''}` : 'resolved'} by ${mark.by}, ${time(mark.at)}${mark.note ? ` (${mark.note})` : ''}`;

function LetterRow({ letter, readOnly, onDone }: { letter: Letter; readOnly: boolean; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `${letter.topic}/${letter.partition}@${letter.offset}`;
  const act = async (action: 'redrive' | 'resolve') => {
    setBusy(true);
    setError('');
    try {
      await api('POST', `/api/ops/dead-letters/${action}`, {
        topic: letter.topic,
        partition: letter.partition,
        offset: letter.offset,
        ...(note ? { note } : {}),
      });
      onDone();
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return html` <tr data-letter=${id} class=${letter.handled ? 'handled' : ''}>
    <th scope="row">${letter.partition}@${letter.offset}</th>
    <td>
      ${letter.eventType ?? '—'}<br /><small
        >${letter.redrivenFrom ? `redriven from ${letter.redrivenFrom}` : letter.origin}</small
      >
    </td>
    <td>
      ${letter.error}<br /><small
        >${letter.classification}, ${letter.attempts} attempt(s), ${time(letter.failedAt)}</small
      >
    </td>
    <td class="mark">${markText(letter.handled)}</td>
    <td>
      ${
        !readOnly &&
        !letter.handled &&
        html` <div class="actions" role="group" aria-label=${`Handle the letter ${id}`}>
          <label class="sr-only" for=${`note-${id}`}>Note</label>
          <input
            id=${`note-${id}`}
            placeholder="Note"
            value=${note}
            onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)}
          />
          <${ConfirmButton}
            label="Redrive"
            confirm="Send it back to its topic?"
            disabled=${busy}
            onConfirm=${() => act('redrive')}
          />
          <${ConfirmButton}
            label="Resolve"
            confirm="Mark it resolved without sending?"
            disabled=${busy}
            onConfirm=${() => act('resolve')}
          />
        </div>`
      }
      ${error && html`<${Notice} kind="error">${error}<//>`}
    </td>
  </tr>`;
}

export function OperationsPage({ operator }: PageProps) {
  const [topics, setTopics] = useState<Topic[] | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  // Refresh reads the subscriptions and timers again too.
  const [reads, setReads] = useState(0);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setTopics((await api<{ topics: Topic[] }>('GET', '/api/ops/dead-letters')).topics);
      setError('');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // The rebuild is for operators' keys: the projector asks for scope `operate`, the BFF refuses a read-only key.
  const canOperate = operator.scopes.includes('operate') && !operator.readOnly;
  return html` <div class="page-head">
      <h1>Operations</h1>
      <button
        type="button"
        onClick=${() => {
          setReads(reads + 1);
          void load();
        }}
        disabled=${loading}
      >
        ${loading ? 'Reading…' : 'Refresh'}
      </button>
    </div>
    ${error && html`<${Notice} kind="error">${error}<//>`}
    ${canOperate && html`<${RebuildPanel} onFinished=${() => setReads((n) => n + 1)} />`}
    <${Subscriptions} reads=${reads} />
    <${ConsumerLag} reads=${reads} />
    <${DueTimers} reads=${reads} />
    <h2>Dead letters</h2>
    ${topics && topics.length === 0 && html`<p class="empty">No dead letters on any topic.</p>`}
    ${topics?.map(
      (t) =>
        html` <section class="dlq" aria-labelledby=${`dlq-${t.topic}`}>
          <h3 id=${`dlq-${t.topic}`}>${t.topic} <span class="sub">${t.open} open of ${t.letters}</span></h3>
          <table aria-label=${`Letters of ${t.topic}`}>
            <thead>
              <tr>
                <th scope="col">Letter</th>
                <th scope="col">Event</th>
                <th scope="col">Failure</th>
                <th scope="col">Handled</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              ${t.items.map((l) => html`<${LetterRow} key=${`${l.partition}@${l.offset}`} letter=${l} readOnly=${operator.readOnly} onDone=${load} />`)}
            </tbody>
          </table>
        </section>`,
    )}`;
}
