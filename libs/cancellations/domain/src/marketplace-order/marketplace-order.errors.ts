import { DomainError } from '@orders/decider-kit';
import { REJECTION_REASONS } from './market-status';

// One class per broken rule; the codes are the public contract (api-conventions.md), the HTTP status follows them.

export class ReasonRequired extends DomainError {
  constructor() {
    super('REASON_REQUIRED', 'reason is required when accepted=false', { field: 'reason' });
  }
}

export class InvalidReason extends DomainError {
  constructor(value: unknown) {
    super('INVALID_ENUM', `reason must be one of ${REJECTION_REASONS.join(', ')}`, { field: 'reason', details: { value } });
  }
}

export class OrderNotFound extends DomainError {
  constructor(campaignId: string, orderId: string) {
    super('ORDER_NOT_FOUND', `order ${orderId} of campaign ${campaignId} is not known`);
  }
}

export class OrderInTerminalState extends DomainError {
  constructor(status: string) {
    super('ORDER_IN_TERMINAL_STATE', `the order is ${status}; nothing can be decided any more`, { details: { status } });
  }
}

export class NoPendingCancellation extends DomainError {
  constructor() {
    super('NO_PENDING_CANCELLATION', 'the order has no cancellation request waiting for a decision');
  }
}

export class AlreadyDecided extends DomainError {
  constructor(reason: string | undefined) {
    super('ALREADY_DECIDED', 'the cancellation request was already rejected', { details: { reason } });
  }
}

export class CancellationDeadlinePassed extends DomainError {
  constructor(deadlineAt: string) {
    super('CANCELLATION_DEADLINE_PASSED', `the decision window closed at ${deadlineAt}; the request is accepted automatically`, { details: { deadlineAt } });
  }
}

export class CancellationDeadlineNotReached extends DomainError {
  constructor(deadlineAt: string) {
    super('CANCELLATION_DEADLINE_NOT_REACHED', `the request cannot expire before ${deadlineAt}`, { details: { deadlineAt } });
  }
}

export class CancellationNotAllowed extends DomainError {
  constructor(status: string) {
    super('CANCELLATION_NOT_ALLOWED', `a buyer cannot cancel an order in status ${status}`, { details: { status } });
  }
}
