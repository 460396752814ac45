import { Inject, Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import { ConcurrencyError, EventStore, defaultEventInput, withTransaction, type CommandHandler } from '@orders/event-store';
import {
  DuplicateExternalId, EXTERNAL_ORDER_STREAM_TYPE, ExternalOrderNotFound, externalOrderDecider, externalOrderStreamId,
  type ExternalOrderCommand, type ExternalOrderState, type OrderStatus, type SubmitExternalOrder,
} from '@orders/ordering-domain';
import { PersonalDataVault } from '@orders/personal-data';
import type { PoolClient } from 'pg';
import { INTAKE_SETTINGS, type IntakeSettings } from '../config/intake-settings';
import { externalOrderId, payloadFingerprint } from './order-identity';
import { orderViewOf, type ExternalOrderView } from './order-view';
import { guestRecordOf, sameGuest, type GuestRecord } from './personal-data';
import type { SubmitOrderRequestDto } from './submit-order.request.dto';

/** Who asked, and why: becomes the events' metadata. `now` is read here, at the edge, never in the decider. */
export interface RequestContext {
  readonly actor: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

export interface OrderOutcome {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly version: number;
}

export interface SubmitOutcome extends OrderOutcome {
  /** False when the same order had been received before (nothing appended now). */
  readonly created: boolean;
}

export type OperatorCommand = Exclude<ExternalOrderCommand, SubmitExternalOrder>;

const SUBMIT_ATTEMPTS = 3;

@Injectable()
export class ExternalOrdersService {
  private readonly orders: CommandHandler<ExternalOrderCommand, ExternalOrderState>;

  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {
    this.orders = store.commandHandler({ decider: externalOrderDecider, streamType: EXTERNAL_ORDER_STREAM_TYPE });
  }

  metadata(context: RequestContext, idempotencyKey?: string): CommandMetadata {
    return { now: new Date().toISOString(), ...context, ...(idempotencyKey ? { idempotencyKey } : {}) };
  }

  /**
   * Receives an order (HTTP or Kafka). The append and the sealing of the guest's data commit together, so an
   * order never exists without its record and a refused submission never overwrites another order's record.
   * With `tx` (a consumer's inbox transaction) both join it; the append is then its first write, as the store needs.
   */
  async submit(companyId: string, submission: SubmitOrderRequestDto, context: RequestContext, tx?: PoolClient): Promise<SubmitOutcome> {
    const command = this.submitCommand(companyId, submission, context);
    const guest = guestRecordOf(submission);
    const streamId = externalOrderStreamId(command.data.orderId);
    // Over HTTP, an optimistic first try: most submissions are new orders, so decide on the empty state and let the
    // append's `no_stream` prove it; only when the order exists is its stream read (a replay or a duplicate). A
    // consumer's transaction cannot survive a failed append, so there the stream is read first.
    let loaded = tx ? await this.store.load(streamId, externalOrderDecider, {}) : { state: externalOrderDecider.initialState, version: 0 };
    for (let attempt = 1; ; attempt++) {
      const decided = externalOrderDecider.decide(command, loaded.state);
      if (decided.length === 0) {
        await this.assertSameGuest(command, guest);
        return { orderId: command.data.orderId, status: statusOf(loaded.state), version: loaded.version, created: false };
      }
      try {
        const inputs = decided.map((event) => defaultEventInput(event, command));
        const appended = await withTransaction(this.store.pool, async (client) => {
          const result = await this.store.appendWithin(client, streamId, 'no_stream', inputs, { streamType: EXTERNAL_ORDER_STREAM_TYPE, tenant: companyId });
          await this.vault.seal(command.data.piiRef, guest, client);
          return result;
        }, { within: tx });
        return { orderId: command.data.orderId, status: 'AWAITING', version: appended.nextExpectedVersion, created: true };
      } catch (error) {
        // The order exists (submitted before, or by a racing first submission): decide again on its stream.
        if (!(error instanceof ConcurrencyError) || tx || attempt >= SUBMIT_ATTEMPTS) throw error;
        loaded = await this.store.load(streamId, externalOrderDecider, {});
      }
    }
  }

  /** Accept, reject, confirm contents, dispatch, archive, cancel: load, decide, append with the expected version. */
  async execute(command: OperatorCommand, options: { expectedVersion?: number; idempotencyKey?: string } = {}): Promise<OrderOutcome> {
    const streamId = externalOrderStreamId(command.data.orderId);
    try {
      const result = await this.orders.handle(streamId, command, {
        expectedVersion: options.expectedVersion, idempotencyKey: options.idempotencyKey, tenant: command.data.companyId,
      });
      if (result.state.status === 'NONE' || result.state.companyId !== command.data.companyId) throw new ExternalOrderNotFound(command.data.orderId);
      return { orderId: command.data.orderId, status: result.state.status, version: result.nextExpectedVersion };
    } catch (error) {
      // A version conflict must not tell another company (or a guesser) that the order exists.
      if (error instanceof ConcurrencyError && !(await this.belongsTo(streamId, command.data.companyId))) {
        throw new ExternalOrderNotFound(command.data.orderId);
      }
      throw error;
    }
  }

  /**
   * A command inside the caller's transaction (a consumer's inbox transaction): the append is its first write, so
   * the effect and the inbox row commit together. Undefined when the request was already satisfied.
   */
  async executeWithin(tx: PoolClient, command: OperatorCommand): Promise<OrderOutcome | undefined> {
    const streamId = externalOrderStreamId(command.data.orderId);
    const loaded = await this.store.load(streamId, externalOrderDecider, {});
    const decided = externalOrderDecider.decide(command, loaded.state);
    if (decided.length === 0) return undefined;
    const inputs = decided.map((event) => defaultEventInput(event, command));
    const result = await this.store.appendWithin(tx, streamId, loaded.version, inputs, { streamType: EXTERNAL_ORDER_STREAM_TYPE, tenant: command.data.companyId });
    const state = decided.reduce(externalOrderDecider.evolve, loaded.state);
    return { orderId: command.data.orderId, status: statusOf(state), version: result.nextExpectedVersion };
  }

  /** The company owning an order, or undefined when there is no such order. */
  async companyOf(orderId: string): Promise<string | undefined> {
    const { state } = await this.store.load(externalOrderStreamId(orderId), externalOrderDecider, {});
    return state.status === 'NONE' ? undefined : state.companyId;
  }

  /** The order with its guest data and history, read from its stream (read-your-writes, unlike the board). */
  async view(companyId: string, orderId: string): Promise<ExternalOrderView> {
    const events = await this.store.readStream(externalOrderStreamId(orderId));
    const received = events[0]?.data as { companyId?: string; piiRef?: string } | undefined;
    if (!received || received.companyId !== companyId) throw new ExternalOrderNotFound(orderId);
    const guest = received.piiRef ? await this.vault.open<GuestRecord>(received.piiRef) : undefined;
    const view = orderViewOf(events, guest);
    if (!view) throw new ExternalOrderNotFound(orderId);
    return view;
  }

  private submitCommand(companyId: string, submission: SubmitOrderRequestDto, context: RequestContext): SubmitExternalOrder {
    const { source, externalId, submittedAt, requestedTime, serviceType, items, amountMinor, currency } = submission;
    const orderId = externalOrderId(companyId, source, externalId);
    const lines = items.map((item) => ({ ...(item.sku !== undefined ? { sku: item.sku } : {}), name: item.name, quantity: item.quantity, priceMinor: item.priceMinor }));
    const normalisedTime = requestedTime ? new Date(requestedTime).toISOString() : null;
    return {
      type: 'SubmitExternalOrder',
      metadata: this.metadata(context),
      data: {
        companyId, orderId, source, externalId, piiRef: orderId, requestedTime: normalisedTime, items: lines, amountMinor, currency, serviceType,
        payloadFingerprint: payloadFingerprint({ source, externalId, submittedAt: new Date(submittedAt).toISOString(), requestedTime: normalisedTime, serviceType, items: lines, amountMinor, currency }),
        licence: this.settings.licences.licenceOf(companyId),
      },
    };
  }

  /** The non-personal fields matched; the personal ones are compared with the sealed record (erased: nothing to compare). */
  private async assertSameGuest(command: SubmitExternalOrder, guest: GuestRecord): Promise<void> {
    const sealed = await this.vault.open<GuestRecord>(command.data.piiRef);
    if (sealed && !sameGuest(sealed, guest)) throw new DuplicateExternalId(command.data.source, command.data.externalId);
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
