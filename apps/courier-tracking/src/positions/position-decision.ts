import type { Target, TrackPoint, VisitSettings } from '@orders/delivery-domain';

/**
 * What positions decided for one delivery: the points that moved its visit machine (with the delivery's target point,
 * which the log does not hold), or the route's progress seen from it (START, ORDER_BECAME_NEXT). Recorded until
 * applied with the coordinates sealed under the order's key (stored-decisions.ts).
 */
export type DecisionCommand =
  | { readonly type: 'EvaluatePositions'; readonly points: readonly TrackPoint[]; readonly settings: VisitSettings; readonly target: Target }
  | { readonly type: 'StartRoute'; readonly at: string; readonly position: { readonly lat: number; readonly lon: number; readonly time: string } }
  | { readonly type: 'MarkDeliveryNext'; readonly at: string };

export interface PositionDecision {
  readonly companyId: string;
  readonly courierId: string;
  readonly routeId: string;
  readonly deliveryId: string;
  /** The order's personal-data subject: the recorded row seals the coordinates with its key. */
  readonly subjectId: string;
  readonly command: DecisionCommand;
  readonly correlationId?: string;
}
