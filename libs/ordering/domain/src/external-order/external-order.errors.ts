import { DomainError } from '@orders/decider-kit';
import type { OrderStatus } from './external-order.state';

/** Unknown order, or one of another company: the caller learns nothing about its existence. */
export class ExternalOrderNotFound extends DomainError {
  constructor(orderId: string) {
    super('ORDER_NOT_FOUND', `external order ${orderId} was not found`, { details: { orderId } });
  }
}

/** The same (source, external id) arrived again with other contents (INV-I4). */
export class DuplicateExternalId extends DomainError {
  constructor(source: string, externalId: string) {
    super('DUPLICATE_EXTERNAL_ID', `an order ${source}/${externalId} was already received with other contents`, {
      field: 'external_id', details: { source, externalId },
    });
  }
}

/** The company holds no valid "Internet orders" licence (INV-I3); answered 403. */
export class LicenseRequired extends DomainError {
  readonly httpStatus = 403;
  constructor(companyId: string, validUntil?: string) {
    super('LICENSE_REQUIRED', validUntil
      ? `the "Internet orders" licence of company ${companyId} expired at ${validUntil}`
      : `company ${companyId} has no "Internet orders" licence`, { details: { companyId, validUntil } });
  }
}

/** Accept or reject after the other decision was taken (INV-I1). */
export class OrderAlreadyDecided extends DomainError {
  constructor(status: OrderStatus) {
    super('ORDER_ALREADY_DECIDED', `the order was already decided and is ${status}`, { details: { status } });
  }
}

export class OrderInTerminalState extends DomainError {
  constructor(status: OrderStatus) {
    super('ORDER_IN_TERMINAL_STATE', `the order is ${status}; nothing more can happen to it`, { details: { status } });
  }
}

/** Dispatch before the operator confirmed what the POS order holds (INV-I2). */
export class ContentsNotConfirmed extends DomainError {
  constructor() {
    super('CONTENTS_NOT_CONFIRMED', 'the contents must be confirmed before the order is dispatched');
  }
}

export class InvalidStateTransition extends DomainError {
  constructor(action: string, status: OrderStatus) {
    super('INVALID_STATE_TRANSITION', `cannot ${action} an order that is ${status}`, { details: { action, status } });
  }
}

/** A rule the edge validates too; the decider keeps it so no caller can skip it. */
export class InvalidOrderContents extends DomainError {
  readonly httpStatus = 422;
  constructor(message: string, field: string) {
    super('INVALID_ORDER_CONTENTS', message, { field });
  }
}
