import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { DeliveryCommand } from '@orders/delivery-domain';
import { EventStore, uuidv7 } from '@orders/event-store';
import { PersonalDataErased, PersonalDataVault } from '@orders/personal-data';
import { Decided, DeliveryCommands } from '../deliveries/delivery-commands';
import type { PositionDecision } from './position-decision';
import { StoredCommand, openedCommand, storedCommand, subjectOf } from './stored-decisions';
import { TargetPoints } from './target-points';

export interface Handoff {
  /** Resolves once the decisions are durable (their positions' offsets may then be committed). */
  readonly recorded: Promise<void>;
  /** Resolves once they are in the event store. */
  readonly applied: Promise<void>;
}

interface Row {
  id: string;
  company_id: string;
  courier_id: string;
  route_id: string;
  delivery_id: string;
  command: StoredCommand;
}
interface Pending {
  readonly id: string;
  readonly decision: PositionDecision;
  settle(error?: unknown): void;
}

/** Beyond this many decisions recorded and not yet applied, `recorded` also waits for the backlog to shrink. */
const MAX_UNAPPLIED = 5_000;
const RETRY_MS = { first: 100, max: 5_000 };
const DELETE_AFTER_MS = 200;
const APPLYING = 4;

const settled = () => {
  let settle!: (error?: unknown) => void;
  const promise = new Promise<void>(
    (resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))),
  );
  return { promise, settle };
};

type PositionCommand = Extract<DeliveryCommand, { type: PositionDecision['command']['type'] }>;

function commandOf(decision: PositionDecision): Pick<PositionCommand, 'type' | 'data'> {
  const { command, courierId: courier_id, routeId: route_id } = decision;
  switch (command.type) {
    case 'EvaluatePositions':
      return {
        type: 'EvaluatePositions',
        data: { courier_id, positions: command.points, settings: command.settings, target: command.target },
      };
    case 'StartRoute':
      return { type: 'StartRoute', data: { route_id, courier_id, at: command.at, position: command.position } };
    case 'MarkDeliveryNext':
      return { type: 'MarkDeliveryNext', data: { route_id, courier_id, at: command.at } };
  }
}

/**
 * The hand-off between position detection and the event store. Detection runs in memory at the speed of the
 * topic; the decisions it takes (arrival, visit and automatic finish, departure) are few but each costs a
 * transaction. Holding a Kafka batch until they are appended stalls the fetch for every partition, so the batch
 * only waits for them to be RECORDED: one multi-row insert per turn of the event loop (all partitions' batches of
 * that turn together). They are then applied in the background, in order per courier, and their rows deleted.
 *
 * Exactly once, never lost: a row exists before the offset of its positions is committed, and is deleted only
 * after the decision is appended. A crash in between leaves the row, and `recoverUnapplied` (run before consuming
 * again) applies it; one applied but not yet deleted is applied again, which appends nothing, because the decider
 * ignores points not newer than the last one its stored visit state holds. A failing append is retried with backoff
 * (the courier's later decisions wait behind it, so their order holds), and after MAX_UNAPPLIED the consumer waits.
 */
@Injectable()
export class PositionDecisions implements OnApplicationShutdown {
  private readonly logger = new Logger(PositionDecisions.name);
  private buffer: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly unappliedPerCourier = new Map<string, number>();
  private unapplied = 0;
  private applied: string[] = [];
  private waiters: (() => void)[] = [];
  private stopped = false;
  private deleteTimer: NodeJS.Timeout | undefined;
  private applying = 0;
  private readonly queued: (() => void)[] = [];
  private listener: (decision: PositionDecision, decided: Decided) => void = () => undefined;

  constructor(
    private readonly store: EventStore,
    private readonly commands: DeliveryCommands,
    private readonly targets: TargetPoints,
    private readonly vault: PersonalDataVault,
  ) {}

  /** Called after each decision was appended (the detector refreshes what it knows of the delivery). */
  onApplied(listener: (decision: PositionDecision, decided: Decided) => void): void {
    this.listener = listener;
  }

  /** Decisions of one courier still to apply (recorded or being recorded). */
  unappliedOf(courierId: string): number {
    return this.unappliedPerCourier.get(courierId) ?? 0;
  }

  hand(decisions: readonly PositionDecision[]): Handoff {
    const applied: Promise<void>[] = [];
    for (const decision of decisions) {
      const { promise, settle } = settled();
      applied.push(promise);
      this.count(decision.courierId, 1);
      this.buffer.push({ id: uuidv7(), decision, settle });
    }
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    const flushed = this.flushing;
    const recorded = this.unapplied > MAX_UNAPPLIED ? flushed.then(() => this.belowLimit()) : flushed;
    const all = Promise.all(applied).then(() => undefined);
    all.catch(() => undefined); // observed by whoever awaits it; a stop before applying is not a crash
    return { recorded, applied: all };
  }

  /** Applies what a previous run recorded and did not apply (before consuming positions again). */
  async recoverUnapplied(): Promise<number> {
    const { rows } = await this.store.pool.query<Row>('SELECT * FROM courier_position_decisions ORDER BY id');
    const work = (await this.opened(rows)).map((decision) => {
      this.count(decision.courierId, 1);
      return this.chain({ id: decision.rowId, decision, settle: () => undefined });
    });
    await Promise.all(work);
    await this.deleteApplied();
    if (rows.length > 0) this.logger.log(`applied ${rows.length} position decisions left by a previous run`);
    return rows.length;
  }

  /**
   * The decisions rows stand for, their tokens opened (one key read per order). A row whose order was erased would
   * append nothing, so it is dropped; a row recorded before decisions carried their target gets it from the record.
   */
  private async opened(rows: readonly Row[]): Promise<(PositionDecision & { rowId: string })[]> {
    const subjects = await this.vault.openSubjects([
      ...new Set(rows.map((row) => subjectOf(row.command)).filter((id) => id !== undefined)),
    ]);
    const decisions: (PositionDecision & { rowId: string })[] = [];
    for (const row of rows) {
      const subjectId = subjectOf(row.command) ?? row.delivery_id;
      let command = openedCommand(row.command, subjects.get(subjectId));
      if (command === 'needs-target' && row.command.type === 'EvaluatePositions' && 'points' in row.command) {
        const target = await this.targets.ofStream(row.delivery_id);
        command = target
          ? { type: 'EvaluatePositions', points: row.command.points, settings: row.command.settings, target }
          : 'erased';
      }
      if (command === 'erased' || command === 'needs-target') {
        this.applied.push(row.id);
        continue;
      }
      decisions.push({
        rowId: row.id,
        companyId: row.company_id,
        courierId: row.courier_id,
        routeId: row.route_id,
        deliveryId: row.delivery_id,
        subjectId,
        command,
        correlationId: row.command.correlationId,
      });
    }
    return decisions;
  }

  /** Resolves when every decision handed so far is applied (tests, benchmark, shutdown). */
  async drained(): Promise<void> {
    while (this.flushing || this.chains.size > 0) {
      await this.flushing;
      await Promise.all([...this.chains.values()]);
    }
    await this.deleteApplied();
  }

  async onApplicationShutdown(): Promise<void> {
    // Whatever is not applied yet stays recorded for the next start.
    this.stopped = true;
    clearTimeout(this.deleteTimer);
  }

  private async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = undefined;
    let sealed: { pending: Pending; command: StoredCommand | undefined }[];
    try {
      sealed = await Promise.all(
        batch.map(async (pending) => ({ pending, command: await this.sealed(pending.decision) })),
      );
      const rows = sealed.flatMap(({ pending: { id, decision: d }, command }) =>
        command === undefined
          ? []
          : [
              {
                id,
                company_id: d.companyId,
                courier_id: d.courierId,
                route_id: d.routeId,
                delivery_id: d.deliveryId,
                command,
              },
            ],
      );
      if (rows.length > 0) {
        await this.store.pool.query(
          `INSERT INTO courier_position_decisions (id, company_id, courier_id, route_id, delivery_id, command)
           SELECT id, company_id, courier_id, route_id, delivery_id, command FROM jsonb_to_recordset($1::jsonb)
             AS r(id uuid, company_id text, courier_id text, route_id text, delivery_id text, command jsonb)`,
          [JSON.stringify(rows)],
        );
      }
    } catch (error) {
      for (const pending of batch) {
        this.count(pending.decision.courierId, -1);
        pending.settle(error);
      }
      throw error; // the consumer retries the batch: its positions are re-detected and handed again
    }
    for (const { pending, command } of sealed) {
      if (command !== undefined) {
        void this.chain(pending);
        continue;
      }
      // The order was erased meanwhile: nothing is left to decide for it.
      this.count(pending.decision.courierId, -1);
      pending.settle();
    }
  }

  /** The row's command, its coordinates sealed; undefined for an order erased meanwhile. */
  private async sealed(decision: PositionDecision): Promise<StoredCommand | undefined> {
    try {
      return await storedCommand(decision, (subjectId, value) => this.vault.sealValue(subjectId, value));
    } catch (error) {
      if (error instanceof PersonalDataErased) return undefined;
      throw error;
    }
  }

  /** Applied rows are deleted in bulk, a moment later (one left behind is only applied again, to no effect). */
  private deleteSoon(): void {
    if (this.deleteTimer || this.stopped) return;
    this.deleteTimer = setTimeout(() => {
      this.deleteTimer = undefined;
      this.deleteApplied().catch((error: unknown) =>
        this.logger.warn(`applied position decisions not deleted yet: ${String(error)}`),
      );
    }, DELETE_AFTER_MS);
    this.deleteTimer.unref();
  }

  /** One courier's decisions run one after the other, in the order they were taken. */
  private chain(pending: Pending): Promise<void> {
    const { courierId } = pending.decision;
    const next = (this.chains.get(courierId) ?? Promise.resolve()).then(() => this.apply(pending));
    this.chains.set(courierId, next);
    void next.finally(() => {
      if (this.chains.get(courierId) === next) this.chains.delete(courierId);
    });
    return next;
  }

  private async apply(pending: Pending): Promise<void> {
    const { decision } = pending;
    const { type, data } = commandOf(decision);
    const context = { actor: `courier:${decision.courierId}`, correlationId: decision.correlationId };
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      try {
        const decided = await this.commands.execute(decision, type, data, context).finally(() => this.release());
        this.applied.push(pending.id);
        this.deleteSoon();
        this.count(decision.courierId, -1);
        this.listener(decision, decided);
        pending.settle();
        return;
      } catch (error) {
        if (this.stopped) return pending.settle(error); // recorded: the next start applies it
        const delay = Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** attempt);
        this.logger.warn(
          `position decision for delivery ${decision.deliveryId} not applied (attempt ${attempt + 1}), retrying in ${delay} ms: ${String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * At most APPLYING appends at once: the positions keep the process busy, and the decisions, though few, would
   * otherwise take the pool's connections (and the CPU their transactions cost) in bursts. They catch up in the
   * background; `recorded` makes them safe meanwhile.
   */
  private slot(): Promise<void> {
    if (this.applying < APPLYING) {
      this.applying++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queued.push(resolve));
  }

  private release(): void {
    const next = this.queued.shift();
    if (next) next();
    else this.applying--;
  }

  private async deleteApplied(): Promise<void> {
    const ids = this.applied;
    if (ids.length === 0) return;
    this.applied = [];
    try {
      await this.store.pool.query('DELETE FROM courier_position_decisions WHERE id = ANY($1::uuid[])', [ids]);
    } catch (error) {
      this.applied.push(...ids); // applied twice at worst after a crash: no second effect
      throw error;
    }
  }

  private count(courierId: string, delta: number): void {
    this.unapplied += delta;
    const left = (this.unappliedPerCourier.get(courierId) ?? 0) + delta;
    if (left > 0) this.unappliedPerCourier.set(courierId, left);
    else this.unappliedPerCourier.delete(courierId);
    if (delta < 0 && this.unapplied <= MAX_UNAPPLIED / 2 && this.waiters.length > 0) {
      const waiting = this.waiters;
      this.waiters = [];
      waiting.forEach((wake) => wake());
    }
  }

  private belowLimit(): Promise<void> {
    return this.unapplied <= MAX_UNAPPLIED ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
