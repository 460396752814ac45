import type { Decider } from '@orders/decider-kit';
import { createDelivery, updateDelivery } from './create-and-update';
import type { CancelDeliveryForMarketplace, DeliveryCommand } from './delivery.commands';
import type { DeliveryEvent } from './delivery.events';
import { PERSONAL_DATA_FIELDS } from './personal-data-fields';
import { ActiveDelivery, Delivery, evolve, initialDelivery } from './delivery.state';
import { DeliveryNotFound } from './errors';
import { markDelivered, recordPayment, setCloseTime, undoDelivered } from './iiko-close-rules';
import { evaluatePositions } from './positions';
import { markNext, startRoute } from './route-progress';
import { changeStatus } from './status-rules';
import { assertOrderFields, isTerminal } from './validation';

/** Policy P2: cancel what is still open; a delivery that already ended is recorded as a conflict for people to see. */
function cancelForMarketplace(command: CancelDeliveryForMarketplace, state: ActiveDelivery): DeliveryEvent[] {
  const at = command.metadata.now;
  if (state.status === 'cancelled') return [];
  if (isTerminal(state.status)) return [{ type: 'DeliveryCancellationConflict', data: { cause: command.data.cause, status: state.status, at } }];
  return changeStatus(state, { to: 'cancelled', initiator: 'user_api', at, partiallyFinishedAllowed: false, comment: `marketplace: ${command.data.cause}` });
}

function decideActive(command: Exclude<DeliveryCommand, { type: 'CreateDelivery' }>, state: ActiveDelivery): DeliveryEvent[] {
  const now = command.metadata.now;
  switch (command.type) {
    case 'UpdateDelivery':
      return updateDelivery(command, state);
    case 'ChangeDeliveryStatus':
      return changeStatus(state, {
        to: command.data.status, initiator: command.data.initiator, at: now, comment: command.data.comment, point: command.data.point,
        partiallyFinishedAllowed: command.data.settings.partially_finished_status_enabled,
      });
    case 'MarkDelivered':
      return markDelivered(state, command.data.actual_delivered_at, command.data.initiator, now);
    case 'UndoDelivered':
      return undoDelivered(state, command.data.initiator, now);
    case 'SetDeliveryCloseTime':
      return setCloseTime(state, command.data.close_time, now);
    case 'RecordDeliveryPayment':
      assertOrderFields({ payment_type: command.data.payment_type, amount: command.data.amount }, 'patch', { internal: command.data.internal });
      return recordPayment(state, command.data.payment_type, command.data.amount, command.data.paid_at, now);
    case 'EvaluatePositions':
      return evaluatePositions(command, state);
    case 'StartRoute':
      return startRoute(command, state);
    case 'MarkDeliveryNext':
      return markNext(command, state);
    case 'CancelDeliveryForMarketplace':
      return cancelForMarketplace(command, state);
    case 'DeleteDelivery':
      return [
        { type: 'DeliveryDeleted', data: { deleted_by: command.data.deleted_by, final_status: state.status, at: now } },
        { type: 'PersonalDataErased', data: { pii_ref: state.piiRef, fields: [...PERSONAL_DATA_FIELDS], at: now, key_destroyed: true } },
      ];
  }
}

const RACING_COMMANDS: ReadonlySet<DeliveryCommand['type']> = new Set(['EvaluatePositions', 'StartRoute', 'MarkDeliveryNext', 'CancelDeliveryForMarketplace']);

export function decide(command: DeliveryCommand, state: Delivery): DeliveryEvent[] {
  if (command.type === 'CreateDelivery') return createDelivery(command, state);
  if (state.kind !== 'active') {
    // Positions, route progress and marketplace cancellations may race a delete or precede a create: nothing to do.
    if (RACING_COMMANDS.has(command.type)) return [];
    throw new DeliveryNotFound();
  }
  return decideActive(command, state);
}

export const deliveryDecider: Decider<DeliveryCommand, DeliveryEvent, Delivery> = { decide, evolve, initialState: initialDelivery };

/** The Delivery aggregate's stream type: recorded on its streams and the prefix of their ids. */
export const DELIVERY_STREAM_TYPE = 'delivery';

/** Stream id of one delivery: the order id is the delivery id (policy P3 keeps them equal). */
export const deliveryStreamId = (deliveryId: string): string => `${DELIVERY_STREAM_TYPE}-${deliveryId}`;

/** The delivery id a stream id names (the inverse of deliveryStreamId). */
export const deliveryIdOfStream = (streamId: string): string => streamId.slice(DELIVERY_STREAM_TYPE.length + 1);
