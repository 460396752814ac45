import type { Command } from '@orders/decider-kit';
import type { CancellationCause, OrderItem, OrderSource, RejectionReason, ServiceType } from './external-order.events';

/** Every command names the company it acts for: an order of another company is "not found" (tenancy). */
interface ForCompany {
  readonly companyId: string;
}

export type SubmitExternalOrder = Command<'SubmitExternalOrder', ForCompany & {
  /** Derived at the edge from (company, source, external id), so a repeat lands on the same stream. */
  readonly orderId: string;
  readonly source: OrderSource;
  readonly externalId: string;
  /** The edge's digest of the non-personal fields; personal ones are compared against the sealed record. */
  readonly payloadFingerprint: string;
  readonly piiRef: string;
  readonly requestedTime: string | null;
  /** The offset the edge read from the requested time as given; null with no requested time. */
  readonly requestedTimeOffset: string | null;
  readonly items: readonly OrderItem[];
  readonly amountMinor: number;
  readonly currency: string;
  readonly serviceType: ServiceType;
  /** The company's "Internet orders" licence as configured: undefined = none, null = no end date. */
  readonly licence?: { readonly validUntil: string | null };
}>;

export type AcceptExternalOrder = Command<'AcceptExternalOrder', ForCompany & { readonly orderId: string }>;
export type RejectExternalOrder = Command<'RejectExternalOrder', ForCompany & { readonly orderId: string; readonly reasonCode: RejectionReason }>;
export type ConfirmOrderContents = Command<'ConfirmOrderContents', ForCompany & { readonly orderId: string; readonly items: readonly OrderItem[] }>;
export type DispatchOrder = Command<'DispatchOrder', ForCompany & { readonly orderId: string }>;
export type ArchiveOrder = Command<'ArchiveOrder', ForCompany & { readonly orderId: string }>;
/** Issued by the marketplace-cancellation policy, not by an operator. */
export type CancelExternalOrder = Command<'CancelExternalOrder', ForCompany & {
  readonly orderId: string;
  readonly cause: CancellationCause;
  readonly cancellationRef: string;
}>;

export type ExternalOrderCommand =
  | SubmitExternalOrder
  | AcceptExternalOrder
  | RejectExternalOrder
  | ConfirmOrderContents
  | DispatchOrder
  | ArchiveOrder
  | CancelExternalOrder;
