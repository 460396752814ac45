import { Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import {
  ActiveDelivery, DELIVERY_STREAM_TYPE, Delivery, DeliveryCommand, DeliveryEvent, DeliveryNotFound, deliveryDecider, deliveryStreamId,
} from '@orders/delivery-domain';
import {
  Appended, CommandHandler, EventInput, EventStore, RecordedEvent, commandMetadataOf, defaultEventInput, type CommandContext,
} from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import type { MessageContext } from '@orders/messaging/nest';
import { Clock } from '@orders/service-kit';
import type { PoolClient } from 'pg';
import { countDeliveryEvents } from '../courier-tracking.metrics';
import { StoredView, foldView } from './delivery-view';
import { assignOrderId } from './order-ids';
import { SealPoint, sealedForStorage } from './sealed-positions';

/** The delivery a command is for, and the company it must belong to. */
export interface DeliveryRef {
  readonly companyId: string;
  readonly deliveryId: string;
}

export interface Decided {
  readonly state: Delivery;
  readonly events: readonly DeliveryEvent[];
  readonly version: number;
  readonly replay: boolean;
}

/** Extra writes that must commit with the events (number index, sealed record); they run after the append. */
export type AlongsideWrites = (tx: PoolClient, appended: Appended<Delivery, DeliveryEvent>) => Promise<void>;

/**
 * A policy's command is caused by the message, in its correlation (else it starts one), recorded with the policy as
 * actor, and runs inside the message's inbox transaction; its time is the command handler's clock.
 */
export function policyContextOf(ctx: MessageContext): CommandContext {
  return { actor: `policy:${ctx.eventType}`, correlationId: ctx.headers['correlation-id'] ?? ctx.eventId, causationId: ctx.eventId, tx: ctx.tx };
}

export type DeliveryData<T extends DeliveryCommand['type']> = Extract<DeliveryCommand, { type: T }>['data'];

const toDomainEvent = (recorded: RecordedEvent): DeliveryEvent => ({ type: recorded.type, data: recorded.data }) as DeliveryEvent;

/**
 * The one way into Delivery streams, HTTP, Kafka and positions alike: time from the injected clock, actor and ids
 * from the edge, every write through the event store's command handler (cached state, conflict retries, rows
 * written alongside the append, a consumer's transaction joined).
 */
@Injectable()
export class DeliveryCommands {
  private readonly handler: CommandHandler<DeliveryCommand, Delivery, DeliveryEvent>;
  /** Every append stores events through this: the courier's points sealed under the order's key (sealed-positions.ts). */
  private readonly storedInput: (event: DeliveryEvent, command: DeliveryCommand, state: Delivery) => Promise<EventInput>;
  private readonly listeners: ((deliveryId: string, decided: Decided) => void)[] = [];

  constructor(private readonly store: EventStore, vault: PersonalDataVault, private readonly clock: Clock) {
    // Snapshot version 3: the state holds the amount in kopecks (`amount_minor`, version 2 held rubles) and `located`
    // instead of the coordinates (version 1 held the numbers); older snapshots are ignored, and replaced by the next
    // snapshot of their stream.
    this.handler = store.commandHandler({ decider: deliveryDecider, streamType: DELIVERY_STREAM_TYPE, toDomainEvent, snapshot: { every: 50, version: 3 } });
    // Sealed before the append, outside any transaction of ours, on purpose: the append must be a transaction's first
    // write. The positions detector opened the record of every delivery it tracks, so the key is at hand.
    const seal: SealPoint = (subjectId, point) => vault.sealValue(subjectId, point);
    this.storedInput = async (event, command, state) => defaultEventInput(await sealedForStorage(event, state, seal), command);
  }

  /** `alongside`: rows that must commit with the events, written after the append in its transaction. */
  async execute<T extends DeliveryCommand['type']>({ companyId, deliveryId }: DeliveryRef, type: T, data: DeliveryData<T>,
    context: CommandContext, alongside?: AlongsideWrites): Promise<Decided> {
    const command = { type, data, metadata: this.metadata(companyId, context) } as DeliveryCommand;
    // However a delivery is created (HTTP, batch, the intake policy), its Track & Trace integer id commits with it.
    const writes: AlongsideWrites | undefined = type !== 'CreateDelivery' ? alongside : async (tx, appended) => {
      await assignOrderId(tx, companyId, deliveryId);
      await alongside?.(tx, appended);
    };
    const result = await this.handler.handle(deliveryStreamId(deliveryId), command, {
      expectedVersion: context.expectedVersion, within: context.tx, toEventInput: this.storedInput, alongside: writes,
    });
    const decided = {
      state: result.state, events: result.events.map(toDomainEvent), version: result.nextExpectedVersion, replay: result.idempotentReplay,
    };
    if (!result.idempotentReplay) countDeliveryEvents(result.events);
    // Within a caller's transaction the events are not committed yet: listeners learn them from the log instead.
    if (!context.tx && decided.events.length > 0) this.listeners.forEach((listener) => listener(deliveryId, decided));
    return decided;
  }

  /** Told of every command of this process that appended (the positions detector learns route membership at once). */
  onExecuted(listener: (deliveryId: string, decided: Decided) => void): void {
    this.listeners.push(listener);
  }

  /** Every event names its company in metadata: the public messages are scoped by tenant, and most events do not carry it. */
  private metadata(companyId: string, context: CommandContext): CommandMetadata {
    return commandMetadataOf(context, this.clock.now(), { tenantId: companyId });
  }

  /** The current state, for decisions the application takes before a command (tenancy, settings lookups). */
  async active(deliveryId: string, companyId?: string): Promise<ActiveDelivery> {
    const loaded = await this.store.load(deliveryStreamId(deliveryId), deliveryDecider, { toDomainEvent });
    if (loaded.state.kind !== 'active' || (companyId !== undefined && loaded.state.companyId !== companyId)) throw new DeliveryNotFound();
    return loaded.state;
  }

  async exists(deliveryId: string, companyId: string): Promise<boolean> {
    const loaded = await this.store.load(deliveryStreamId(deliveryId), deliveryDecider, { toDomainEvent });
    return loaded.state.kind === 'active' && loaded.state.companyId === companyId;
  }

  /** The order view folded from the log (read-your-writes for single-order reads); undefined once deleted. */
  async view(deliveryId: string): Promise<StoredView | undefined> {
    const recorded = await this.store.readStream(deliveryStreamId(deliveryId));
    return foldView(recorded.map((r) => ({ event: toDomainEvent(r), version: r.streamVersion, recordedAt: r.recordedAt.toISOString() })));
  }
}
