import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { deliveryIdOfStream, type Delivery, type DeliveryEvent } from '@orders/delivery-domain';
import { EventStore, RecordedEvent, Subscription } from '@orders/event-store';
import { EventStoreSubscriptions } from '@orders/event-store/nest';
import { Decided, DeliveryCommands } from '../deliveries/delivery-commands';
import { routeKey } from '../settings/settings.service';

/**
 * The events that change what the detector holds of a delivery: its route (membership), its target point, window,
 * status, or its existence. The position decisions' own events (arrival, visit, departure, START, next) are not here:
 * the detector took them itself.
 */
const MEMBERSHIP_EVENTS = [
  'DeliveryCreated',
  'DeliveryUpdated',
  'PersonalDataChanged',
  'DeliveryIntervalChanged',
  'DeliveryStatusChanged',
  'DeliveryUndone',
  'DeliveryDeleted',
] as const;
const RELEVANT = new Set<string>(MEMBERSHIP_EVENTS);
const SUBSCRIPTION_PREFIX = 'courier-route-membership:';
const PRUNE_EVERY_MS = 5_000;
/** A backstop only: entries leave once the read model caught up, which is milliseconds. */
const MAX_KNOWN = 100_000;

export interface MembershipChange {
  readonly deliveryId: string;
  /** The delivery's stream version after the change. */
  readonly version: number;
  /**
   * Its route after the change, as `routeKey` (company and route id; null: none, or deleted); undefined when the
   * change did not say (not a move).
   */
  readonly routeKey?: string | null;
  /** Its state as this process decided it: no stream read needed. Absent for a change learnt from the log. */
  readonly state?: Delivery;
  /** Its coordinates may have changed: the target is opened again. */
  readonly moved: boolean;
}

type Listener = (change: MembershipChange) => void;

/** What an event says of the delivery's route: a creation or a PATCH naming route_id; a deletion leaves every route. */
function routeOf(event: DeliveryEvent): string | null | undefined {
  switch (event.type) {
    case 'DeliveryCreated':
      return event.data.route_id ?? null;
    case 'DeliveryUpdated':
      return 'route_id' in event.data.changes ? (event.data.changes.route_id ?? null) : undefined;
    case 'DeliveryDeleted':
      return null;
    default:
      return undefined;
  }
}

/**
 * The route key an event moves its delivery to: the route id is its company's (a creation names the company, every
 * event carries it as `tenantId`); an event that names a route but no company says nothing (undefined).
 */
function routeKeyOf(event: DeliveryEvent, tenantId: unknown): string | null | undefined {
  const routeId = routeOf(event);
  if (routeId === null || routeId === undefined) return routeId;
  const companyId = event.type === 'DeliveryCreated' ? event.data.company_id : tenantId;
  return typeof companyId === 'string' ? routeKey(companyId, routeId) : undefined;
}

const movesTarget = (event: DeliveryEvent): boolean =>
  event.type === 'PersonalDataChanged' || (event.type === 'DeliveryUpdated' && 'located' in event.data.changes);

/**
 * Route membership, learnt as it happens rather than re-read on a timer: a delivery created on, moved to or taken
 * off a route takes part in detection from the next point. Two sources, both feeding the same listener:
 * - this process's commands (DeliveryCommands.onExecuted), before their HTTP answer or Kafka offset;
 * - every process's commands, from the event log: a subscription of this process alone (its own name, from now on,
 *   woken by the store's notifier), so a delivery made on another instance is seen milliseconds after its commit.
 *
 * The detector still loads a route's list from the read model, which lags the log. `latest` keeps, per delivery,
 * the route the log said last, until the read model holds that version too: a list loaded meanwhile is corrected
 * with it (a delivery just added is in, one just moved away is out). Left: a change committed before this process
 * started its subscription and not yet projected when a route's list is first read is seen at the list's next
 * background read (RouteLists, 15 s), when the read model has it; only in the first moments after a start.
 */
@Injectable()
export class RouteMembership implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RouteMembership.name);
  private readonly known = new Map<string, { routeKey: string | null; version: number }>();
  /** `known` by route: a route's list is corrected without walking every entry. */
  private readonly byRoute = new Map<string, Set<string>>();
  private readonly listeners: Listener[] = [];
  private readonly subscription: Subscription;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    commands: DeliveryCommands,
    subscriptions: EventStoreSubscriptions,
  ) {
    commands.onExecuted((deliveryId, decided) => this.executed(deliveryId, decided));
    const name = `${SUBSCRIPTION_PREFIX}${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    // Writes nothing of its own (transactional: false); a short poll only bounds latency when a NOTIFY is lost.
    this.subscription = subscriptions.register(name, (events) => this.logged(events), {
      startFrom: 'now',
      streamTypes: ['delivery'],
      eventTypes: [...MEMBERSHIP_EVENTS],
      transactional: false,
      batchSize: 500,
      pollIntervalMs: 500,
    });
    void this.removeDeparted(name);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** The route the log said last for a delivery the read model may not show yet (undefined: trust the read model). */
  latest(deliveryId: string): { readonly routeKey: string | null; readonly version: number } | undefined {
    return this.known.get(deliveryId);
  }

  /** Deliveries whose latest route (`routeKey`), not yet in the read model, is this one. */
  joinedSince(key: string): readonly string[] {
    const joined = this.byRoute.get(key);
    return joined ? [...joined] : [];
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.pruneTimer);
    await this.subscription.stop();
    // The name is this process's alone: its row would only wait for a cleanup.
    await this.store.pool
      .query(`DELETE FROM "${this.store.schema}".subscriptions WHERE name = $1`, [this.subscription.name])
      .catch(() => undefined);
  }

  private executed(deliveryId: string, decided: Decided): void {
    if (decided.replay || !decided.events.some((event) => RELEVANT.has(event.type))) return;
    const { state } = decided;
    const key =
      state.kind !== 'active' || state.facts.route_id === null ? null : routeKey(state.companyId, state.facts.route_id);
    // Ids are compared as the log and the read models spell them (a path may have named the order in capitals).
    this.note({
      deliveryId: deliveryId.toLowerCase(),
      version: decided.version,
      routeKey: key,
      state: decided.state,
      moved: decided.events.some(movesTarget),
    });
  }

  private async logged(events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const event = { type: recorded.type, data: recorded.data } as DeliveryEvent;
      const deliveryId = deliveryIdOfStream(recorded.streamId).toLowerCase();
      const key = routeKeyOf(event, recorded.metadata.tenantId);
      this.note({ deliveryId, version: recorded.streamVersion, routeKey: key, moved: movesTarget(event) });
    }
  }

  private note(change: MembershipChange): void {
    if (change.routeKey !== undefined) {
      const previous = this.known.get(change.deliveryId);
      if (!previous || previous.version < change.version)
        this.remember(change.deliveryId, { routeKey: change.routeKey, version: change.version });
      if (this.known.size > MAX_KNOWN) this.forget(this.known.keys().next().value as string);
      this.pruneSoon();
    }
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.warn(`membership change of ${change.deliveryId} not taken: ${String(error)}`);
      }
    }
  }

  private remember(deliveryId: string, entry: { routeKey: string | null; version: number }): void {
    this.forget(deliveryId);
    this.known.set(deliveryId, entry);
    if (entry.routeKey === null) return;
    const joined = this.byRoute.get(entry.routeKey);
    if (joined) joined.add(deliveryId);
    else this.byRoute.set(entry.routeKey, new Set([deliveryId]));
  }

  private forget(deliveryId: string): void {
    const key = this.known.get(deliveryId)?.routeKey;
    this.known.delete(deliveryId);
    if (key === null || key === undefined) return;
    const joined = this.byRoute.get(key);
    joined?.delete(deliveryId);
    if (joined?.size === 0) this.byRoute.delete(key);
  }

  /** Forgets what the read model now shows as well (its version is at least the one learnt). */
  private pruneSoon(): void {
    if (this.pruneTimer) return;
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = undefined;
      this.prune().catch((error: unknown) => this.logger.warn(`route membership not pruned: ${String(error)}`));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  private async prune(): Promise<void> {
    const ids = [...this.known.keys()];
    const { rows } = await this.store.pool.query<{ delivery_id: string; version: number }>(
      'SELECT delivery_id::text, version FROM delivery_details WHERE delivery_id = ANY($1::uuid[])',
      [ids],
    );
    const projected = new Map(rows.map((row) => [row.delivery_id, row.version]));
    for (const id of ids) {
      const entry = this.known.get(id);
      const version = projected.get(id);
      // Deleted: the read model dropped its row, so absence agrees with it; otherwise absent means not projected yet.
      if (
        entry &&
        ((version !== undefined && version >= entry.version) || (version === undefined && entry.routeKey === null))
      )
        this.forget(id);
    }
    if (this.known.size > 0) this.pruneSoon();
  }

  /** Rows of processes that stopped without removing theirs (a crash): released or expired for a while. */
  private async removeDeparted(own: string): Promise<void> {
    await this.store.pool
      .query(
        `DELETE FROM "${this.store.schema}".subscriptions WHERE name LIKE $1 AND name <> $2
         AND (lease_expires_at IS NULL OR lease_expires_at < clock_timestamp() - interval '10 minutes') AND updated_at < clock_timestamp() - interval '10 minutes'`,
        [`${SUBSCRIPTION_PREFIX}%`, own],
      )
      .catch((error: unknown) => this.logger.warn(`departed membership rows not removed: ${String(error)}`));
  }
}
