import type { Target, TrackPoint, VisitSettings } from '@orders/delivery-domain';
import type { OpenedSubject } from '@orders/personal-data';
import type { DecisionCommand, PositionDecision } from './position-decision';

// A decision waits in `courier_position_decisions` between detection and its append (milliseconds, or until the next
// start after a crash). Its points are the courier's at the customer's door and its target is the customer's home, so
// the row holds them sealed under the order's key, like the events do: a row left behind by a crash, a backup or the
// table's dead tuples show nothing once the order is erased. The process applies its decisions from memory; only
// recovery opens rows.

type Correlated = { readonly correlationId?: string };

/** What a row's `command` column holds. */
export type StoredCommand = Correlated & (
  | { readonly type: 'EvaluatePositions'; readonly subject: string; readonly sealed: string; readonly settings: VisitSettings }
  | { readonly type: 'StartRoute'; readonly subject: string; readonly at: string; readonly sealed: string }
  | { readonly type: 'MarkDeliveryNext'; readonly at: string }
  // Rows of versions before this one: the numbers in clear (and before that, no target).
  | { readonly type: 'EvaluatePositions'; readonly points: readonly TrackPoint[]; readonly settings: VisitSettings; readonly target?: Target }
  | { readonly type: 'StartRoute'; readonly at: string; readonly position: { readonly lat: number; readonly lon: number; readonly time: string } }
);

type Seal = (subjectId: string, value: unknown) => Promise<string>;

interface SealedEvaluation { readonly points: readonly TrackPoint[]; readonly target: Target }

/** The row's form of a decision: coordinates sealed under the order's key. */
export async function storedCommand(decision: PositionDecision, seal: Seal): Promise<StoredCommand> {
  const { command, subjectId: subject } = decision;
  const correlated: Correlated = decision.correlationId ? { correlationId: decision.correlationId } : {};
  switch (command.type) {
    case 'EvaluatePositions': {
      const sealed = await seal(subject, { points: command.points, target: command.target } satisfies SealedEvaluation);
      return { type: 'EvaluatePositions', subject, sealed, settings: command.settings, ...correlated };
    }
    case 'StartRoute':
      return { type: 'StartRoute', subject, at: command.at, sealed: await seal(subject, command.position), ...correlated };
    case 'MarkDeliveryNext':
      return { ...command, ...correlated };
  }
}

/** The subject whose key a stored command's tokens need, if it has any. */
export const subjectOf = (stored: StoredCommand): string | undefined => ('subject' in stored ? stored.subject : undefined);

/**
 * The decision a row stands for: its tokens opened with the subject as the vault found it. Undefined when it cannot
 * be applied any more (the order was erased) or, for a row of the version before targets, still needs its target.
 */
export function openedCommand(stored: StoredCommand, subject: OpenedSubject<unknown> | undefined): DecisionCommand | 'erased' | 'needs-target' {
  switch (stored.type) {
    case 'EvaluatePositions': {
      if ('sealed' in stored) {
        const opened = subject?.openValue<SealedEvaluation>(stored.sealed);
        return opened ? { type: 'EvaluatePositions', points: opened.points, target: opened.target, settings: stored.settings } : 'erased';
      }
      return stored.target ? { type: 'EvaluatePositions', points: stored.points, target: stored.target, settings: stored.settings } : 'needs-target';
    }
    case 'StartRoute': {
      if ('sealed' in stored) {
        const position = subject?.openValue<{ lat: number; lon: number; time: string }>(stored.sealed);
        return position ? { type: 'StartRoute', at: stored.at, position } : 'erased';
      }
      return { type: 'StartRoute', at: stored.at, position: stored.position };
    }
    case 'MarkDeliveryNext':
      return { type: 'MarkDeliveryNext', at: stored.at };
  }
}
