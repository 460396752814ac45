import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Operator } from './api';

export interface PageProps {
  operator: Operator;
  tenant: string;
  arg: string;
}

export function Notice({ kind, children }: { kind: 'error' | 'info'; children: ComponentChildren }) {
  return html`<p class=${`notice ${kind}`} role=${kind === 'error' ? 'alert' : 'status'}>${children}</p>`;
}

/** A destructive action asks once more, in place (no modal to trap focus in): "Reject?" Yes / No. */
export function ConfirmButton({
  label,
  confirm,
  onConfirm,
  disabled,
  danger,
}: {
  label: string;
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return html`<button
      type="button"
      class=${danger ? 'danger' : ''}
      disabled=${disabled}
      onClick=${() => setAsking(true)}
    >
      ${label}
    </button>`;
  }
  return html`<span class="confirm" role="group" aria-label=${confirm}>
    <span>${confirm}</span>
    <button
      type="button"
      class=${danger ? 'danger' : 'primary'}
      autofocus
      onClick=${() => {
        setAsking(false);
        onConfirm();
      }}
    >
      Yes, ${label.toLowerCase()}
    </button>
    <button type="button" onClick=${() => setAsking(false)}>No</button>
  </span>`;
}
