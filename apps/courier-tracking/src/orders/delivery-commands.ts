import { Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import {
  ActiveDelivery, Delivery, DeliveryCommand, DeliveryEvent, DeliveryNotFound, deliveryDecider, deliveryStreamId,
} from '@orders/delivery-domain';
import {
  AppendResult, CommandHandler, ConcurrencyError, EventInput, EventStore, LoadedStream, commandFingerprint, RecordedEvent, defaultEventInput, withTransaction,
} from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import type { PoolClient } from 'pg';
import { StoredView, foldView } from './delivery-view';
import { SealPoint, sealedForStorage } from './sealed-positions';

export interface Decided {
  readonly state: Delivery;
  readonly events: readonly DeliveryEvent[];
  readonly version: number;
  readonly replay: boolean;
}

/** Extra writes that must commit with the events (number index, sealed record); they run after the append. */
export type AlongsideWrites = (tx: PoolClient, decided: { state: Delivery; events: readonly DeliveryEvent[] }) => Promise<void>;

const noWrites: AlongsideWrites = async () => undefined;

/** Every event names its company in metadata: the public messages are scoped by tenant, and most events do not carry it. */
const tagged = (command: DeliveryCommand, companyId: string): DeliveryCommand =>
  ({ ...command, metadata: { ...command.metadata, tenantId: companyId } as CommandMetadata }) as DeliveryCommand;

const toDomainEvent = (recorded: RecordedEvent): DeliveryEvent => ({ type: recorded.type, data: recorded.data }) as DeliveryEvent;

/** A command decided outside any transaction, its events sealed for storage, ready to append. */
interface Decision {
  readonly command: DeliveryCommand;
  readonly streamId: string;
  readonly loaded: LoadedStream<Delivery>;
  readonly stored: readonly DeliveryEvent[];
}

/**
 * Runs Delivery commands. Most go through the store's command handler (cached state, conflict retries); the few
 * that must write other rows atomically with their events (create, delete, personal-data or number changes) load,
 * decide and append inside one transaction with those rows.
 */
@Injectable()
export class DeliveryCommands {
  private readonly handler: CommandHandler<DeliveryCommand, Delivery, DeliveryEvent>;
  /** Every append path stores events through this: the courier's points sealed under the order's key (sealed-positions.ts). */
  private readonly storedInput: (event: DeliveryEvent, command: DeliveryCommand, state: Delivery) => Promise<EventInput>;
  private readonly seal: SealPoint;

  constructor(private readonly store: EventStore, vault: PersonalDataVault) {
    // Snapshot version 3: the state holds the amount in kopecks (`amount_minor`, version 2 held rubles) and `located`
    // instead of the coordinates (version 1 held the numbers); older snapshots are ignored, and replaced by the next
    // snapshot of their stream.
    this.handler = store.commandHandler({ decider: deliveryDecider, streamType: 'delivery', toDomainEvent, snapshot: { every: 50, version: 3 } });
    // Outside any transaction of ours, on purpose: the append must be a transaction's first write. The positions
    // detector opened the record of every delivery it tracks, so the key is at hand and this costs no round trip.
    this.seal = (subjectId, point) => vault.sealValue(subjectId, point);
    this.storedInput = async (event, command, state) => defaultEventInput(await sealedForStorage(event, state, this.seal), command);
  }

  async handle(companyId: string, deliveryId: string, command: DeliveryCommand, options: { expectedVersion?: number } = {}): Promise<Decided> {
    const result = await this.handler.handle(deliveryStreamId(deliveryId), tagged(command, companyId), {
      expectedVersion: options.expectedVersion, idempotencyKey: command.metadata.idempotencyKey, toEventInput: this.storedInput,
    });
    return { state: result.state, events: result.events.map(toDomainEvent), version: result.nextExpectedVersion, replay: result.idempotentReplay };
  }

  async handleWith(companyId: string, deliveryId: string, command: DeliveryCommand, alongside: AlongsideWrites, options: { expectedVersion?: number } = {}): Promise<Decided> {
    // Load, decide and seal before taking the transaction's connection: never hold one connection while waiting for another.
    const decision = await this.decide(companyId, deliveryId, await this.load(deliveryId, options.expectedVersion), command);
    return withTransaction(this.store.pool, (tx) => this.appendDecided(tx, decision, alongside));
  }

  /**
   * Load, decide and append inside the caller's transaction (an inbox transaction, say), where the append must be the
   * first write; `alongside` writes after it.
   */
  async decideWithin(tx: PoolClient, companyId: string, deliveryId: string, command: DeliveryCommand, alongside: AlongsideWrites = noWrites): Promise<Decided> {
    return this.appendDecided(tx, await this.decide(companyId, deliveryId, await this.load(deliveryId), command), alongside);
  }

  private async load(deliveryId: string, expectedVersion?: number): Promise<LoadedStream<Delivery>> {
    const streamId = deliveryStreamId(deliveryId);
    const loaded = await this.store.load(streamId, deliveryDecider, { toDomainEvent });
    if (expectedVersion !== undefined && expectedVersion !== loaded.version) throw new ConcurrencyError(streamId, expectedVersion, loaded.version);
    return loaded;
  }

  private async decide(companyId: string, deliveryId: string, loaded: LoadedStream<Delivery>, untagged: DeliveryCommand): Promise<Decision> {
    const command = tagged(untagged, companyId);
    const events = deliveryDecider.decide(command, loaded.state);
    const stored = await Promise.all(events.map((event) => sealedForStorage(event, loaded.state, this.seal)));
    return { command, streamId: deliveryStreamId(deliveryId), loaded, stored };
  }

  private async appendDecided(tx: PoolClient, { command, streamId, loaded, stored }: Decision, alongside: AlongsideWrites): Promise<Decided> {
    const inputs = stored.map((event) => defaultEventInput(event, command));
    // The loaded version is the expected one: a write in between is a conflict (409), never a lost update.
    const appended: AppendResult = await this.store.appendWithin(tx, streamId, loaded.version, inputs, {
      idempotencyKey: command.metadata.idempotencyKey,
      requestFingerprint: command.metadata.idempotencyKey === undefined ? undefined : commandFingerprint(streamId, command),
    });
    if (appended.idempotentReplay) {
      return { state: loaded.state, events: appended.events.map(toDomainEvent), version: appended.nextExpectedVersion, replay: true };
    }
    // Folded from what is stored, as a later load folds it (evolve reads only the times of sealed positions).
    const state = stored.reduce(deliveryDecider.evolve, loaded.state);
    if (stored.length > 0) await alongside(tx, { state, events: stored });
    return { state, events: stored, version: appended.nextExpectedVersion, replay: false };
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

export const metadataOf = (now: string, actor: string, extra: Partial<CommandMetadata> = {}): CommandMetadata => ({ now, actor, ...extra });
