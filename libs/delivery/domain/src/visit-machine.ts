import { distanceMetres } from './radius';

/**
 * Per courier and delivery: OUTSIDE -> INSIDE(since) -> VISITED (domain.md §2.7 B, auto-visit sub-machine).
 * Pure and allocation-light: the decider runs it to decide, and the position pipeline runs the same steps in memory
 * so that only points which change something reach the event store.
 */
export interface VisitState {
  readonly inside: boolean;
  /** Epoch seconds of the arrival that started the current uninterrupted stay. */
  readonly since: number;
  /** An ORDER_VISIT was recorded: a later stay never produces another one. */
  readonly visited: boolean;
  /** Epoch seconds of the newest point applied; older or equal points are duplicates or late. */
  readonly lastAt: number;
}

export const OUTSIDE: VisitState = { inside: false, since: 0, visited: false, lastAt: Number.NEGATIVE_INFINITY };

export interface VisitParams {
  readonly target: { readonly lat: number; readonly lon: number };
  readonly radiusM: number;
  readonly requiredDwellS: number;
  /** With eta_type=delivery_time the dwell does not count before the window opens (R-YC-4). */
  readonly dwellNotBeforeS?: number;
  /** A terminal delivery records departures only: no arrivals, visits or status changes. */
  readonly terminal: boolean;
}

export interface TrackPoint {
  readonly lat: number;
  readonly lon: number;
  /** UTC epoch seconds (push-positions-v3 `timestamp`). */
  readonly timestamp: number;
}

export type VisitTransition =
  | { readonly kind: 'arrived'; readonly point: TrackPoint }
  | { readonly kind: 'visited'; readonly point: TrackPoint; readonly dwellS: number }
  | { readonly kind: 'departed'; readonly point: TrackPoint; readonly dwellS: number };

export interface VisitStep {
  readonly state: VisitState;
  /** In order; empty for most points. */
  readonly transitions: readonly VisitTransition[];
}

const NONE: readonly VisitTransition[] = [];

function dwellOf(state: VisitState, at: number, params: VisitParams): number {
  const from = Math.max(state.since, params.dwellNotBeforeS ?? Number.NEGATIVE_INFINITY);
  return Math.max(0, at - from);
}

/** Applies one point. A point not newer than the last one applied changes nothing (duplicate or out of order). */
export function stepVisit(state: VisitState, point: TrackPoint, params: VisitParams): VisitStep {
  if (!(point.timestamp > state.lastAt)) return { state, transitions: NONE };
  const within = distanceMetres(point, params.target) <= params.radiusM;
  const at = point.timestamp;
  if (!within) {
    if (!state.inside) return { state: { ...state, lastAt: at }, transitions: NONE };
    // Leaving breaks the stay: the dwell starts again on the next arrival (it must be uninterrupted).
    const departed: VisitTransition = { kind: 'departed', point, dwellS: at - state.since };
    return { state: { ...state, inside: false, lastAt: at }, transitions: [departed] };
  }
  if (params.terminal && !state.inside) return { state: { ...state, lastAt: at }, transitions: NONE };
  const transitions: VisitTransition[] = [];
  let next: VisitState = { ...state, lastAt: at };
  if (!state.inside) {
    transitions.push({ kind: 'arrived', point });
    next = { ...next, inside: true, since: at };
  }
  if (!next.visited && !params.terminal) {
    const dwellS = dwellOf(next, at, params);
    const windowOpen = params.dwellNotBeforeS === undefined || at >= params.dwellNotBeforeS;
    if (windowOpen && dwellS >= params.requiredDwellS) {
      transitions.push({ kind: 'visited', point, dwellS });
      next = { ...next, visited: true };
    }
  }
  return { state: next, transitions };
}
