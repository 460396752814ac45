import { Injectable } from '@nestjs/common';
import type { CommandMetadata } from '@orders/decider-kit';
import {
  ActiveDelivery, Delivery, DeliveryCommand, DeliveryEvent, DeliveryNotFound, deliveryDecider, deliveryStreamId,
} from '@orders/delivery-domain';
import { AppendResult, ConcurrencyError, EventStore, LoadedStream, commandFingerprint, RecordedEvent, defaultEventInput, withTransaction } from '@orders/event-store';
import type { PoolClient } from 'pg';
import { StoredView, foldView } from './delivery-view';

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

/**
 * Runs Delivery commands. Most go through the store's command handler (cached state, conflict retries); the few
 * that must write other rows atomically with their events (create, delete, personal-data or number changes) load,
 * decide and append inside one transaction with those rows.
 */
@Injectable()
export class DeliveryCommands {
  private readonly handler;

  constructor(private readonly store: EventStore) {
    // Snapshot version 2: the state holds `located` instead of the coordinates; version-1 snapshots (which held the
    // numbers) are ignored, and replaced by the next snapshot of their stream.
    this.handler = store.commandHandler({ decider: deliveryDecider, streamType: 'delivery', toDomainEvent, snapshot: { every: 50, version: 2 } });
  }

  async handle(companyId: string, deliveryId: string, command: DeliveryCommand, options: { expectedVersion?: number } = {}): Promise<Decided> {
    const result = await this.handler.handle(deliveryStreamId(deliveryId), tagged(command, companyId), {
      expectedVersion: options.expectedVersion, idempotencyKey: command.metadata.idempotencyKey,
    });
    return { state: result.state, events: result.events.map(toDomainEvent), version: result.nextExpectedVersion, replay: result.idempotentReplay };
  }

  async handleWith(companyId: string, deliveryId: string, command: DeliveryCommand, alongside: AlongsideWrites, options: { expectedVersion?: number } = {}): Promise<Decided> {
    // Load before taking the transaction's connection: never hold one connection while waiting for another.
    const loaded = await this.load(deliveryId, options.expectedVersion);
    return withTransaction(this.store.pool, (tx) => this.appendDecided(tx, companyId, deliveryId, loaded, command, alongside));
  }

  /**
   * Load, decide and append inside the caller's transaction (an inbox transaction, say), where the append must be the
   * first write; `alongside` writes after it.
   */
  async decideWithin(tx: PoolClient, companyId: string, deliveryId: string, command: DeliveryCommand, alongside: AlongsideWrites = noWrites): Promise<Decided> {
    return this.appendDecided(tx, companyId, deliveryId, await this.load(deliveryId), command, alongside);
  }

  private async load(deliveryId: string, expectedVersion?: number): Promise<LoadedStream<Delivery>> {
    const streamId = deliveryStreamId(deliveryId);
    const loaded = await this.store.load(streamId, deliveryDecider, { toDomainEvent });
    if (expectedVersion !== undefined && expectedVersion !== loaded.version) throw new ConcurrencyError(streamId, expectedVersion, loaded.version);
    return loaded;
  }

  private async appendDecided(tx: PoolClient, companyId: string, deliveryId: string, loaded: LoadedStream<Delivery>, untagged: DeliveryCommand,
    alongside: AlongsideWrites): Promise<Decided> {
    const command = tagged(untagged, companyId);
    const streamId = deliveryStreamId(deliveryId);
    const events = deliveryDecider.decide(command, loaded.state);
    const inputs = events.map((event) => defaultEventInput(event, command));
    // The loaded version is the expected one: a write in between is a conflict (409), never a lost update.
    const appended: AppendResult = await this.store.appendWithin(tx, streamId, loaded.version, inputs, {
      idempotencyKey: command.metadata.idempotencyKey,
      requestFingerprint: command.metadata.idempotencyKey === undefined ? undefined : commandFingerprint(streamId, command),
    });
    if (appended.idempotentReplay) {
      return { state: loaded.state, events: appended.events.map(toDomainEvent), version: appended.nextExpectedVersion, replay: true };
    }
    const state = events.reduce(deliveryDecider.evolve, loaded.state);
    if (events.length > 0) await alongside(tx, { state, events });
    return { state, events, version: appended.nextExpectedVersion, replay: false };
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
