import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure } from './api';
import { duration } from './format';
import { ConfirmButton, Notice } from './widgets';

interface Progress {
  version: number;
  phase: 'building' | 'switching' | 'done';
  processed: number;
  total: number;
  elapsedMs: number;
  etaSeconds: number | null;
  resumed: boolean;
}
interface Run {
  projection: string;
  status: 'running' | 'done' | 'failed' | 'stopped';
  startedBy: string;
  startedAt: string;
  progress: Progress | null;
  result: { version: number; previousVersion: number; processed: number; resumed: boolean; durationMs: number } | null;
  error: { code: string; message: string } | null;
}

function runText(run: Run): string {
  const p = run.progress;
  if (run.status === 'done' && run.result) {
    const r = run.result;
    return (
      `version ${r.version} serves now (was ${r.previousVersion}): ${r.processed} events folded in ` +
      `${(r.durationMs / 1000).toFixed(1)} s${r.resumed ? ', resumed after an interruption' : ''}; ` +
      `started by ${run.startedBy}`
    );
  }
  if (run.status === 'failed') return `failed: ${run.error?.message ?? 'no reason given'}`;
  if (run.status === 'stopped') return 'stopped between batches (the projector stopped); the next rebuild resumes it';
  if (!p) return `starting (by ${run.startedBy})…`;
  const percent = p.total > 0 ? Math.floor((p.processed / p.total) * 100) : 0;
  const eta = p.etaSeconds === null ? '' : `, about ${duration(p.etaSeconds)} left`;
  return (
    `version ${p.version}: ${p.phase === 'switching' ? 'switching' : p.resumed ? 'resuming' : 'building'} — ` +
    `${p.processed} of ${p.total} events (${percent} %)${eta}; started by ${run.startedBy}`
  );
}

/**
 * The blue/green rebuild of the order summary (what `ops rebuild order-summary` does), started from here and
 * followed live: the projector streams each batch's progress, the BFF passes the stream on. `onFinished` lets the
 * page read the read models again (the new version serves). Only rendered for an operator's key.
 */
export function RebuildPanel({ onFinished }: { onFinished: () => void }) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  const was = useRef<Run['status'] | undefined>(undefined);
  useEffect(() => {
    const source = new EventSource('/api/ops/rebuild/events');
    source.addEventListener('rebuild', (event: MessageEvent) => setRun(JSON.parse(event.data) as Run | null));
    return () => source.close();
  }, []);
  useEffect(() => {
    if (was.current === 'running' && run && run.status !== 'running') finished.current();
    was.current = run?.status;
  }, [run]);
  const start = async () => {
    setBusy(true);
    setError('');
    try {
      const started = await api<Run>('POST', '/api/ops/rebuild', {});
      // The stream may have told more already; keep the later of the two.
      setRun((shown) => (shown && shown.startedAt === started.startedAt ? shown : started));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const running = run?.status === 'running';
  const p = run?.progress;
  return html` <section class="rebuild" aria-labelledby="rebuild-heading">
    <h2 id="rebuild-heading">Rebuild the order summary</h2>
    <p class="sub">
      A new version is folded from the projector's journal while the current one serves, then both switch at once. One
      at a time; a rebuild a crash left is resumed.
    </p>
    <${ConfirmButton}
      label="Rebuild"
      confirm="Build a new version of order-summary and switch to it?"
      disabled=${busy || running}
      onConfirm=${() => void start()}
    />
    ${
      run &&
      html` <div class="rebuild-run" data-testid="rebuild-run" data-status=${run.status}>
        <progress
          max=${Math.max(1, p?.total ?? 1)}
          value=${run.status === 'done' ? Math.max(1, p?.total ?? 1) : (p?.processed ?? 0)}
          aria-label="Rebuild progress"
        ></progress>
        <p role="status">${runText(run)}</p>
      </div>`
    }
    ${error && html`<${Notice} kind="error">${error}<//>`}
  </section>`;
}
