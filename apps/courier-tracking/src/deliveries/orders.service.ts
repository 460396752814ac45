import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@orders/decider-kit';
import { ActiveDelivery, DeliveryNotFound, Initiator, ORDER_FIELD_NAMES, orderFieldViolations } from '@orders/delivery-domain';
import { EventStore, uuidv7, type CommandContext } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { RequestValidationError } from '@orders/service-kit';
import type { Pool, PoolClient } from 'pg';
import { SettingsService } from '../settings/settings.service';
import { DeliveryCommands } from './delivery-commands';
import { PERSONAL_FIELDS, PersonalRecord, StoredView, toOrderResponse } from './delivery-view';
import { pointOpener } from './sealed-positions';

export type OrderBody = Readonly<Record<string, unknown>>;
export type OrderResponse = Record<string, unknown>;

/**
 * The order fields without personal data: the decider and the log never see name, phone, address, comments or
 * coordinates (they locate the customer's home).
 */
function split(body: OrderBody): { facts: Record<string, unknown>; personal: PersonalRecord; personalFields: string[] } {
  const facts: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((PERSONAL_FIELDS as readonly string[]).includes(key)) personal[key] = value;
    else if (ORDER_FIELD_NAMES.includes(key)) facts[key] = value;
  }
  return { facts, personal: personal as PersonalRecord, personalFields: Object.keys(personal) };
}

/** The record places the delivery: visit detection has a target. */
const holdsPoint = (record: PersonalRecord): boolean => typeof record.lat === 'number' && typeof record.lon === 'number';

/** A rule broken by the request (409), so a DomainError: the error envelope recognises those by class only. */
class OrderNumberTaken extends DomainError {
  constructor(number: string) {
    super('ORDER_NUMBER_TAKEN', `an order numbered ${number} already exists in this company`, { field: 'number' });
  }
}

/**
 * A retried create (same Idempotency-Key) must find the order the first attempt made: the key, already scoped to
 * the caller, names the order id (a name-based UUID, version 8).
 */
function idFromKey(key: string): string {
  const hex = createHash('sha256').update(`courier-order:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The whole table of §2.6, personal data included, before anything is sealed or decided: 422 with every field. */
function assertValid(body: OrderBody, mode: 'create' | 'patch', internal?: boolean): void {
  const violations = orderFieldViolations(body, mode, { internal });
  if (violations.length > 0) throw new RequestValidationError(violations);
}

/** A stored value and a patched one are the same data (absent and null alike: neither holds anything). */
const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const sameRecord = (a: PersonalRecord, b: PersonalRecord, fields: readonly string[]): boolean =>
  fields.every((field) => sameValue((a as Record<string, unknown>)[field], (b as Record<string, unknown>)[field]));

/** Another PATCH sealed the record between this one's read and its decision: decide again (never reaches a caller). */
class RecordChangedMeanwhile extends Error {}
const PATCH_ATTEMPTS = 3;

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string })?.code === '23505';

/** Track & Trace orders of one company: create, read, patch, delete (with erasure), batch upsert, list. */
@Injectable()
export class OrdersService {
  private readonly pool: Pool;

  constructor(store: EventStore, private readonly commands: DeliveryCommands, private readonly vault: PersonalDataVault, private readonly settings: SettingsService) {
    this.pool = store.pool;
  }

  async create(companyId: string, body: OrderBody, context: CommandContext, options: { id?: string; initiator?: Initiator; internal?: boolean } = {}): Promise<OrderResponse> {
    assertValid(body, 'create', options.internal);
    const { facts, personal, personalFields } = split(body);
    const id = options.id ?? (context.idempotencyKey ? idFromKey(context.idempotencyKey) : uuidv7());
    const piiRef = id;
    const deliverySettings = await this.settings.deliverySettings(companyId, (facts.route_id as string | null) ?? null, (facts.depot_id as string | null) ?? null);
    const { depot_id: depotId, ...settings } = deliverySettings;
    const data = {
      delivery_id: id, company_id: companyId, pii_ref: piiRef, order: { ...facts, depot_id: depotId }, personal_data_fields: personalFields,
      located: holdsPoint(personal), settings, initiator: options.initiator ?? 'user_api', internal: options.internal,
    };
    await this.commands.execute({ companyId, deliveryId: id }, 'CreateDelivery', data, context, async (tx) => {
      await this.reserveNumber(tx, companyId, facts.number as string, id);
      await this.vault.seal(piiRef, personal, tx);
    });
    return this.respond(id, companyId);
  }

  async get(companyId: string, id: string): Promise<OrderResponse> {
    return this.respond(id, companyId);
  }

  async patch(companyId: string, id: string, body: OrderBody, context: CommandContext, extra: { initiator?: Initiator; comment?: string } = {}): Promise<OrderResponse> {
    assertValid(body, 'patch');
    // The personal data is compared with the record read before deciding; a PATCH of the same order that sealed
    // meanwhile makes that comparison stale, and the patch is decided again on the new record.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.patchOnce(companyId, id, body, context, extra);
        return this.respond(id, companyId);
      } catch (error) {
        if (!(error instanceof RecordChangedMeanwhile) || attempt >= PATCH_ATTEMPTS) throw error;
      }
    }
  }

  private async patchOnce(companyId: string, id: string, body: OrderBody, context: CommandContext, extra: { initiator?: Initiator; comment?: string }): Promise<void> {
    const current = await this.commands.active(id, companyId);
    const { facts, personal, personalFields } = split(body);
    const routeId = 'route_id' in facts ? ((facts.route_id as string | null) ?? null) : current.facts.route_id;
    const { depot_id: _depot, ...settings } = await this.settings.deliverySettings(companyId, routeId, current.facts.depot_id);
    const stored = personalFields.length > 0 ? ((await this.vault.open<PersonalRecord>(current.piiRef)) ?? {}) : {};
    // Only a value that differs from the record is a change (PersonalDataChanged, a new seal): the decider never sees
    // the values, so it is told which fields changed.
    const changed = personalFields.filter((field) => !sameRecord(personal, stored, [field]));
    const data = {
      order: facts, personal_data_fields: personalFields, personal_data_changed: changed, located: this.locatedAfter(current, stored, personal), settings,
      initiator: extra.initiator ?? 'user_api', comment: extra.comment,
    };
    const renumbered = typeof facts.number === 'string' && facts.number !== current.facts.number;
    let sealed = false;
    await this.commands.execute({ companyId, deliveryId: id }, 'UpdateDelivery', data, context, async (tx) => {
      if (renumbered) {
        await tx.query('DELETE FROM order_numbers WHERE delivery_id = $1', [id]);
        await this.reserveNumber(tx, companyId, facts.number as string, id);
      }
      if (changed.length > 0) {
        const previous = (await this.vault.open<PersonalRecord>(current.piiRef, tx)) ?? {};
        if (!sameRecord(previous, stored, personalFields)) throw new RecordChangedMeanwhile();
        await this.vault.seal(current.piiRef, { ...previous, ...personal }, tx);
        sealed = true;
      }
    });
    // Nothing sealed because nothing differed: true only if no other PATCH sealed between the read and now.
    if (!sealed && changed.length === 0 && personalFields.length > 0) {
      const now = (await this.vault.open<PersonalRecord>(current.piiRef)) ?? {};
      if (!sameRecord(now, stored, personalFields)) throw new RecordChangedMeanwhile();
    }
  }

  /** Answers the order as it was (S-YC), then the events, the number and the sealed record's key are gone together. */
  async delete(companyId: string, id: string, context: CommandContext): Promise<OrderResponse> {
    const before = await this.respond(id, companyId);
    const ref = { companyId, deliveryId: id };
    await this.commands.execute(ref, 'DeleteDelivery', { deleted_by: context.actor }, context, async (tx, { events }) => {
      await tx.query('DELETE FROM order_numbers WHERE delivery_id = $1', [id]);
      const erased = events.find((event) => event.type === 'PersonalDataErased');
      if (erased) await this.vault.erase(erased.data.pii_ref, tx);
    });
    return before;
  }

  /** Upsert by number (D-YC-BATCH): every item is validated before any is written. */
  async batch(companyId: string, items: readonly OrderBody[], context: CommandContext): Promise<{ inserted: number; updated: number }> {
    const violations = items.flatMap((item, index) => orderFieldViolations(item, 'create').map((v) => ({ ...v, field: `[${index}].${v.field}` })));
    if (violations.length > 0) throw new RequestValidationError(violations);
    let inserted = 0;
    let updated = 0;
    for (const [index, item] of items.entries()) {
      const itemContext = { ...context, idempotencyKey: context.idempotencyKey === undefined ? undefined : `${context.idempotencyKey}#${index}` };
      const existing = await this.idOfNumber(companyId, item.number as string);
      if (existing) {
        await this.patch(companyId, existing, item, itemContext);
        updated++;
      } else {
        await this.create(companyId, item, itemContext);
        inserted++;
      }
    }
    return { inserted, updated };
  }

  async list(companyId: string, query: { number?: string; route_id?: string; page?: number; per_page?: number }): Promise<OrderResponse[]> {
    const perPage = query.per_page ?? 1000;
    const offset = ((query.page ?? 1) - 1) * perPage;
    const { rows } = await this.pool.query<{ view: StoredView }>(
      `SELECT view FROM delivery_details WHERE company_id = $1 AND ($2::text IS NULL OR number = $2) AND ($3::text IS NULL OR route_id = $3)
       ORDER BY created_at, delivery_id LIMIT $4 OFFSET $5`,
      [companyId, query.number ?? null, query.route_id ?? null, perPage, offset],
    );
    const subjects = await this.vault.openSubjects<PersonalRecord>(rows.map((row) => row.view.pii_ref));
    return rows.map((row) => {
      const subject = subjects.get(row.view.pii_ref);
      return toOrderResponse(row.view, subject?.record, pointOpener(subject));
    });
  }

  async idOfNumber(companyId: string, number: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ delivery_id: string }>('SELECT delivery_id FROM order_numbers WHERE company_id = $1 AND number = $2', [companyId, number]);
    return rows[0]?.delivery_id;
  }

  /** Another company's order answers 404, as an unknown one does: its existence is not revealed. */
  async respond(id: string, companyId: string): Promise<OrderResponse> {
    const view = await this.commands.view(id);
    if (!view || view.company_id !== companyId) throw new DeliveryNotFound();
    // One read of the key opens the record and the courier's sealed positions alike.
    const subject = (await this.vault.openSubjects<PersonalRecord>([view.pii_ref])).get(view.pii_ref);
    return toOrderResponse(view, subject?.record, pointOpener(subject));
  }

  /**
   * Whether the record will place the delivery once this patch is sealed; undefined when the patch names no lat or lon.
   * A PATCH never clears a coordinate (null is refused), so a located delivery stays located; only one not yet located
   * needs the record, where the other coordinate may already be.
   */
  private locatedAfter(current: ActiveDelivery, stored: PersonalRecord, personal: PersonalRecord): boolean | undefined {
    if (!('lat' in personal) && !('lon' in personal)) return undefined;
    if (current.facts.located || holdsPoint(personal)) return true;
    return holdsPoint({ ...stored, ...personal });
  }

  private async reserveNumber(tx: PoolClient, companyId: string, number: string, id: string): Promise<void> {
    try {
      await tx.query('INSERT INTO order_numbers (company_id, number, delivery_id) VALUES ($1, $2, $3)', [companyId, number, id]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new OrderNumberTaken(number);
      throw error;
    }
  }
}
