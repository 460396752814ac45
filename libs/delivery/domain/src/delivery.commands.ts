import type { Command } from '@orders/decider-kit';
import type { TrackPoint } from './visit-machine';
import type { DeliveryStatus, Initiator, PaymentType } from './validation';

/** Company, depot and route settings a decision needs; the application resolves them and passes them in. */
export interface DeliverySettings {
  readonly time_zone: string;
  readonly route_date?: string;
  readonly partially_finished_status_enabled: boolean;
}

export interface VisitSettings {
  readonly mark_delivered_enabled: boolean;
  readonly mark_delivered_service_time_coefficient: number | null;
  readonly depot_mark_delivered_radius: number | null;
  readonly company_mark_delivered_radius: number | null;
}

/**
 * Order fields as the Track & Trace model names them (validated against the table of §2.6 inside `decide`).
 * Personal data (coordinates included) is not here: the application seals it and passes `pii_ref`, the names of the
 * fields it holds, and whether the record places the delivery (`located`).
 */
export type OrderInput = Readonly<Record<string, unknown>>;

export type CreateDelivery = Command<
  'CreateDelivery',
  {
    readonly delivery_id: string;
    readonly company_id: string;
    readonly pii_ref: string;
    readonly order: OrderInput;
    /** The personal-data fields sealed for this order (values never here); the address is required among them. */
    readonly personal_data_fields: readonly string[];
    /** The sealed record holds both lat and lon. */
    readonly located: boolean;
    readonly settings: DeliverySettings;
    readonly initiator: Initiator;
    readonly internal?: boolean;
  }
>;
export type UpdateDelivery = Command<
  'UpdateDelivery',
  {
    readonly order: OrderInput;
    readonly personal_data_fields: readonly string[];
    /** Whether the sealed record, with this change, holds both lat and lon; absent when the change names no coordinate. */
    readonly located?: boolean;
    /**
     * Of `personal_data_fields`, those whose value differs from the sealed record's: the application opens the record
     * and compares (the values never reach the decider). Absent: every named field counts as changed.
     */
    readonly personal_data_changed?: readonly string[];
    readonly settings: DeliverySettings;
    readonly initiator: Initiator;
    readonly comment?: string;
  }
>;
export type ChangeDeliveryStatus = Command<
  'ChangeDeliveryStatus',
  {
    readonly status: DeliveryStatus;
    readonly initiator: Initiator;
    readonly comment?: string;
    readonly point?: { readonly lat: number; readonly lon: number };
    readonly settings: Pick<DeliverySettings, 'partially_finished_status_enabled'>;
  }
>;
/** iiko SetDeliveryDelivered + ChangeDeliveryActualDeliverTime in one step. */
export type MarkDelivered = Command<
  'MarkDelivered',
  { readonly actual_delivered_at: string; readonly initiator: Initiator }
>;
export type UndoDelivered = Command<'UndoDelivered', { readonly initiator: Initiator }>;
export type SetDeliveryCloseTime = Command<'SetDeliveryCloseTime', { readonly close_time: string | null }>;
/** `amount` in rubles, as iiko sends it (stored as kopecks). */
export type RecordDeliveryPayment = Command<
  'RecordDeliveryPayment',
  {
    readonly payment_type: PaymentType;
    readonly amount: number | null;
    readonly paid_at: string;
    readonly internal?: boolean;
  }
>;
/**
 * `target` is the delivery's point, opened from the sealed record by the application: the log only says whether the
 * delivery is located, so the decision needs the numbers from the command.
 */
export type EvaluatePositions = Command<
  'EvaluatePositions',
  {
    readonly courier_id: string;
    readonly positions: readonly TrackPoint[];
    readonly settings: VisitSettings;
    readonly target: { readonly lat: number; readonly lon: number };
  }
>;
/** The courier's first position on the route (`at` = that position's time). */
export type StartRoute = Command<
  'StartRoute',
  {
    readonly route_id: string;
    readonly courier_id: string;
    readonly at: string;
    readonly position?: { readonly lat: number; readonly lon: number; readonly time: string };
  }
>;
/** The stops before this one on the route are done: it is the courier's next. */
export type MarkDeliveryNext = Command<
  'MarkDeliveryNext',
  { readonly route_id: string; readonly courier_id: string; readonly at: string }
>;
/** Policy P2: a marketplace cancellation (accepted or expired) reached this delivery. */
export type CancelDeliveryForMarketplace = Command<'CancelDeliveryForMarketplace', { readonly cause: string }>;
export type DeleteDelivery = Command<'DeleteDelivery', { readonly deleted_by: string }>;

export type DeliveryCommand =
  | CreateDelivery
  | UpdateDelivery
  | ChangeDeliveryStatus
  | MarkDelivered
  | UndoDelivered
  | SetDeliveryCloseTime
  | RecordDeliveryPayment
  | EvaluatePositions
  | StartRoute
  | MarkDeliveryNext
  | CancelDeliveryForMarketplace
  | DeleteDelivery;
