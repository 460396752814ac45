import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, type Operator } from './api';
import { AuditPage } from './audit';
import { BoardPage } from './board';
import { CancellationsPage } from './cancellations';
import { DeliveriesPage } from './deliveries';
import { OperationsPage } from './operations';

const PAGES = [
  { route: 'board', label: 'Order board' },
  { route: 'cancellations', label: 'Cancellations' },
  { route: 'deliveries', label: 'Deliveries' },
  { route: 'audit', label: 'Audit' },
  { route: 'operations', label: 'Operations' },
] as const;

/** `#/board`, `#/audit/<order id>`: the page and its argument. */
function currentRoute(): { page: string; arg: string } {
  const [, page = 'board', arg = ''] = location.hash.replace(/^#/, '').split('/');
  return { page, arg: decodeURIComponent(arg) };
}

function SignIn({ onSignedIn }: { onSignedIn: (operator: Operator) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await api<Operator>('POST', '/api/session', { apiKey: key }));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : 'the console does not answer');
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main class="sign-in" id="main">
      <h1>Orders console</h1>
      <form onSubmit=${submit} aria-describedby=${error ? 'sign-in-error' : undefined}>
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autocomplete="current-password" required
          value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
        ${error && html`<p class="error" id="sign-in-error" role="alert">${error}</p>`}
      </form>
    </main>`;
}

/** The company / campaign the pages show: one of the key's tenants, or any id for an all-tenant key. */
function TenantPicker({ operator, tenant, onChange }: { operator: Operator; tenant: string; onChange: (t: string) => void }) {
  const [draft, setDraft] = useState(tenant);
  useEffect(() => setDraft(tenant), [tenant]);
  if (operator.tenants !== '*') {
    return html`<label class="tenant">Company
      <select value=${tenant} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
        ${operator.tenants.map((t) => html`<option value=${t}>${t}</option>`)}
      </select></label>`;
  }
  return html`<form class="tenant" onSubmit=${(e: Event) => { e.preventDefault(); onChange(draft.trim()); }}>
    <label for="tenant">Company / campaign</label>
    <input id="tenant" value=${draft} onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)} />
    <button type="submit">Show</button>
  </form>`;
}

function App() {
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  const [route, setRoute] = useState(currentRoute());
  const [tenant, setTenantState] = useState(localStorage.getItem('console.tenant') ?? '');
  useEffect(() => {
    api<Operator>('GET', '/api/session').then(setOperator, () => setOperator(null));
    const onHash = () => setRoute(currentRoute());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (operator && operator.tenants !== '*' && !operator.tenants.includes(tenant)) setTenant(operator.tenants[0] ?? '');
  }, [operator]);
  useEffect(() => {
    const label = PAGES.find((p) => p.route === route.page)?.label ?? 'Console';
    document.title = `${label} · Orders console`;
  }, [route.page]);
  const setTenant = (value: string) => {
    localStorage.setItem('console.tenant', value);
    setTenantState(value);
  };
  if (operator === undefined) return html`<p class="loading">Loading the console…</p>`;
  if (operator === null) return html`<${SignIn} onSignedIn=${setOperator} />`;
  const signOut = async () => {
    await api('DELETE', '/api/session').catch(() => undefined);
    setOperator(null);
  };
  const props = { operator, tenant, arg: route.arg };
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">Orders console</span>
      <nav aria-label="Pages"><ul>
        ${PAGES.map((p) => html`<li><a href=${`#/${p.route}`} aria-current=${route.page === p.route ? 'page' : undefined}>${p.label}</a></li>`)}
      </ul></nav>
      <${TenantPicker} operator=${operator} tenant=${tenant} onChange=${setTenant} />
      <span class="who">${operator.principal}${operator.readOnly ? html` <span class="badge">read-only</span>` : ''}</span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1">
      ${route.page === 'cancellations' ? html`<${CancellationsPage} ...${props} />`
        : route.page === 'deliveries' ? html`<${DeliveriesPage} ...${props} />`
        : route.page === 'audit' ? html`<${AuditPage} ...${props} />`
        : route.page === 'operations' ? html`<${OperationsPage} ...${props} />`
        : html`<${BoardPage} ...${props} />`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app') as HTMLElement);
