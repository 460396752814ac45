import { DomainError } from '@orders/decider-kit';

// Codes follow domain.md §2.7 B and §4.2. Transports map codes to statuses; the domain only names the rule.

export class DeliveryNotFound extends DomainError {
  constructor() { super('DELIVERY_NOT_FOUND', 'no such delivery (unknown or deleted)'); }
}

export class DeliveryAlreadyExists extends DomainError {
  constructor() { super('DELIVERY_ALREADY_EXISTS', 'a delivery with this id already exists'); }
}

export class InvalidTimeInterval extends DomainError {
  constructor(reason: string) { super('INVALID_TIME_INTERVAL', `time_interval ${reason}`, { field: 'time_interval' }); }
}

export class InvalidTimeZone extends DomainError {
  constructor(zone: string) { super('INVALID_TIME_ZONE', `unknown IANA time zone "${zone}"`, { field: 'time_zone' }); }
}

export interface FieldViolation {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

/** The first broken field names the error; every broken field is listed in `details.violations`. */
export class DeliveryFieldsInvalid extends DomainError {
  constructor(readonly violations: readonly FieldViolation[]) {
    super(violations[0].code, violations[0].message, { field: violations[0].field, details: { violations } });
  }
}

export class OrderInTerminalState extends DomainError {
  constructor(status: string) { super('ORDER_IN_TERMINAL_STATE', `the delivery is ${status} and can no longer change status`); }
}

export class InvalidStateTransition extends DomainError {
  constructor(from: string, to: string) { super('INVALID_STATE_TRANSITION', `a delivery cannot go from ${from} to ${to}`, { field: 'status' }); }
}

/** partially_finished where the company does not allow it: an input problem (422 in §2.7 B). */
export class StatusNotAllowed extends DomainError {
  constructor(status: string) { super('STATUS_NOT_ALLOWED', `status ${status} is not enabled for this company`, { field: 'status' }); }
}

export class DeliveryNotDelivered extends DomainError {
  constructor() { super('DELIVERY_NOT_DELIVERED', 'the delivery is not delivered'); }
}

export class DeliveryNotPaid extends DomainError {
  constructor() { super('DELIVERY_NOT_PAID', 'the delivery is not paid'); }
}

export class DeliveryNotClosed extends DomainError {
  constructor() { super('DELIVERY_NOT_CLOSED', 'the delivery is not closed'); }
}

export class DeliveryIsClosed extends DomainError {
  constructor() { super('DELIVERY_CLOSED', 'the delivery is closed; reopen it first (close time null)'); }
}

export class DeliveryAlreadyClosed extends DomainError {
  constructor() { super('DELIVERY_ALREADY_CLOSED', 'the delivery is already closed at another time; reopen it first'); }
}

/** iiko: a pickup closes by payment, and reopening it needs a storno the API does not offer (R-IIKO-5). */
export class PickupCloseNotSupported extends DomainError {
  constructor() { super('PICKUP_CLOSE_NOT_SUPPORTED', 'close time cannot be set on a pickup; a pickup closes when it is paid', { field: 'close_time' }); }
}

/** Codes that describe bad input rather than state; the HTTP edge answers them with 422. */
export const INPUT_RULE_CODES: readonly string[] = ['STATUS_NOT_ALLOWED', 'PICKUP_CLOSE_NOT_SUPPORTED', 'VALUE_NOT_ALLOWED', 'INVALID_TIME_ZONE'];
