import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import {
  ConcurrencyError,
  EventStore,
  commandMetadataOf,
  type CommandContext,
  type CommandHandler,
  type CommandResult,
  type HandleOptions,
} from '@orders/event-store';
import {
  DuplicateExternalId,
  EXTERNAL_ORDER_STREAM_TYPE,
  ExternalOrderNotFound,
  externalOrderDecider,
  externalOrderStreamId,
  type ExternalOrderCommand,
  type ExternalOrderEvent,
  type ExternalOrderState,
  type OrderStatus,
  type SubmitExternalOrder,
} from '@orders/ordering-domain';
import { PersonalDataVault } from '@orders/personal-data';
import { Clock, offsetOfDateTime } from '@orders/service-kit';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake-settings';
import { countOrderEvents } from '../intake.metrics';
import { externalOrderId, payloadFingerprint } from './order-identity';
import { guestRecordOf, sameGuest, type GuestRecord } from './personal-data';
import type { SubmitOrderRequestDto } from './submit-order/submit-order.request.dto';

export interface OrderOutcome {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly version: number;
}

interface SubmitOutcome extends OrderOutcome {
  /** False when the same order had been received before (nothing appended now). */
  readonly created: boolean;
}

/** Accept, reject, confirm contents, dispatch, archive, cancel: every command but the submission. */
export type OperatorCommand = Exclude<ExternalOrderCommand, SubmitExternalOrder>;
export type OperatorData<T extends OperatorCommand['type']> = Extract<OperatorCommand, { type: T }>['data'];

/**
 * The one way into ExternalOrder streams, HTTP and Kafka alike: time from the injected clock, actor and ids from the
 * edge, every write through the event store's command handler.
 */
@Injectable()
export class ExternalOrderCommands {
  private readonly handler: CommandHandler<ExternalOrderCommand, ExternalOrderState, ExternalOrderEvent>;

  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    private readonly clock: Clock,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {
    this.handler = store.commandHandler({ decider: externalOrderDecider, streamType: EXTERNAL_ORDER_STREAM_TYPE });
  }

  /**
   * Receives an order (HTTP or Kafka). The append and the sealing of the guest's data commit together, so an order
   * never exists without its record and a refused submission never overwrites another order's record.
   */
  async submit(companyId: string, submission: SubmitOrderRequestDto, context: CommandContext): Promise<SubmitOutcome> {
    const command = this.submitCommand(companyId, submission, context);
    const guest = guestRecordOf(submission);
    const options: HandleOptions<ExternalOrderCommand, ExternalOrderEvent, ExternalOrderState> = {
      within: context.tx,
      tenant: companyId,
      alongside: (tx) => this.vault.seal(command.data.piiRef, guest, tx),
    };
    const streamId = externalOrderStreamId(command.data.orderId);
    let result: CommandResult<ExternalOrderState>;
    if (context.tx) {
      result = await this.handler.handle(streamId, command, options); // a failed append would end the consumer's transaction
    } else {
      try {
        // Most submissions are new orders: decided on the empty state, proven by the append's `no_stream`, and
        // the guest's record sealed by the append's own statement (one round trip for the whole command).
        const companion = this.vault.sealNewWithAppend(command.data.piiRef, guest);
        result = await this.handler.handle(streamId, command, { ...options, load: 'empty', companion });
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // The order exists (submitted before, or by a racing first submission): decided again on its stream.
        result = await this.handler.handle(streamId, command, options);
      }
    }
    const created = result.events.length > 0 && !result.idempotentReplay;
    if (created) countOrderEvents(result.events);
    else await this.assertSameGuest(command, guest);
    return {
      orderId: command.data.orderId,
      status: statusOf(result.state),
      version: result.nextExpectedVersion,
      created,
    };
  }

  /**
   * The marketplace-cancellation policy's write. Unlike an operator's command it may name an order not received
   * yet: the decider then records the cancellation for the order's arrival, and the state stays NONE.
   */
  async cancel(data: OperatorData<'CancelExternalOrder'>, context: CommandContext): Promise<ExternalOrderState> {
    const command: ExternalOrderCommand = { type: 'CancelExternalOrder', data, metadata: this.metadata(context) };
    const result = await this.handler.handle(externalOrderStreamId(data.orderId), command, {
      tenant: data.companyId,
      within: context.tx,
    });
    return result.state;
  }

  async execute<T extends OperatorCommand['type']>(
    type: T,
    data: OperatorData<T>,
    context: CommandContext,
  ): Promise<OrderOutcome> {
    const command = { type, data, metadata: this.metadata(context) } as OperatorCommand;
    const streamId = externalOrderStreamId(data.orderId);
    try {
      const result = await this.handler.handle(streamId, command, {
        expectedVersion: context.expectedVersion,
        idempotencyKey: context.idempotencyKey,
        tenant: data.companyId,
        within: context.tx,
      });
      if (result.state.status === 'NONE' || result.state.companyId !== data.companyId) {
        throw new ExternalOrderNotFound(data.orderId);
      }
      if (!result.idempotentReplay) countOrderEvents(result.events);
      return { orderId: data.orderId, status: result.state.status, version: result.nextExpectedVersion };
    } catch (error) {
      // A version conflict must not tell another company (or a guesser) that the order exists.
      if (error instanceof ConcurrencyError && !(await this.belongsTo(streamId, data.companyId))) {
        throw new ExternalOrderNotFound(data.orderId);
      }
      throw error;
    }
  }

  private metadata(context: CommandContext): CommandMetadata {
    return commandMetadataOf(context, this.clock.now());
  }

  private submitCommand(
    companyId: string,
    submission: SubmitOrderRequestDto,
    context: CommandContext,
  ): SubmitExternalOrder {
    const { source, externalId, submittedAt, requestedTime, serviceType, items, amountMinor, currency } = submission;
    const orderId = externalOrderId(companyId, source, externalId);
    const lines = items.map((item) => ({
      ...(item.sku !== undefined ? { sku: item.sku } : {}),
      name: item.name,
      quantity: item.quantity,
      priceMinor: item.priceMinor,
    }));
    // The instant keeps one form (fingerprint, contracts, comparisons); the offset is kept apart to answer as given.
    const normalisedTime = requestedTime ? new Date(requestedTime).toISOString() : null;
    const requestedTimeOffset = requestedTime ? offsetOfDateTime(requestedTime) ?? null : null;
    return {
      type: 'SubmitExternalOrder',
      metadata: this.metadata(context),
      data: {
        companyId,
        orderId,
        source,
        externalId,
        piiRef: orderId,
        requestedTime: normalisedTime,
        requestedTimeOffset,
        items: lines,
        amountMinor,
        currency,
        serviceType,
        payloadFingerprint: payloadFingerprint({
          source,
          externalId,
          submittedAt: new Date(submittedAt).toISOString(),
          requestedTime: normalisedTime,
          serviceType,
          items: lines,
          amountMinor,
          currency,
        }),
        licence: this.settings.licences.licenceOf(companyId),
      },
    };
  }

  /** The non-personal fields matched; the personal ones are compared with the sealed record (erased: nothing to compare). */
  private async assertSameGuest(command: SubmitExternalOrder, guest: GuestRecord): Promise<void> {
    const sealed = await this.vault.open<GuestRecord>(command.data.piiRef);
    if (sealed && !sameGuest(sealed, guest))
      throw new DuplicateExternalId(command.data.source, command.data.externalId);
  }

  private async belongsTo(streamId: string, companyId: string): Promise<boolean> {
    const { state } = await this.store.load(streamId, externalOrderDecider, {});
    return state.status !== 'NONE' && state.companyId === companyId;
  }
}

function statusOf(state: ExternalOrderState): OrderStatus {
  if (state.status === 'NONE') throw new Error('a submitted order has a status');
  return state.status;
}
