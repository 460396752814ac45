import { Injectable } from '@nestjs/common';
import type { ActiveDelivery, Initiator } from '@orders/delivery-domain';
import type { CommandContext } from '@orders/event-store';
import { PersonalDataVault } from '@orders/personal-data';
import { SettingsService } from '../../settings/settings.service';
import { DeliveryCommands } from '../delivery-commands';
import type { PersonalRecord } from '../delivery-view';
import { OrderBody, assertValid, holdsPoint, split } from '../order-fields';
import { releaseNumber, reserveNumber } from '../order-numbers';
import { OrderResponse, OrderResponses } from '../order-responses';

/** A stored value and a patched one are the same data (absent and null alike: neither holds anything). */
const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const sameRecord = (a: PersonalRecord, b: PersonalRecord, fields: readonly string[]): boolean =>
  fields.every((field) => sameValue((a as Record<string, unknown>)[field], (b as Record<string, unknown>)[field]));

/** Another PATCH sealed the record between this one's read and its decision: decide again (never reaches a caller). */
class RecordChangedMeanwhile extends Error {}
const PATCH_ATTEMPTS = 3;

/**
 * Whether the record will place the delivery once this patch is sealed; undefined when the patch names no lat or lon.
 * A PATCH never clears a coordinate (null is refused), so a located delivery stays located; only one not yet located
 * needs the record, where the other coordinate may already be.
 */
function locatedAfter(current: ActiveDelivery, stored: PersonalRecord, personal: PersonalRecord): boolean | undefined {
  if (!('lat' in personal) && !('lon' in personal)) return undefined;
  if (current.facts.located || holdsPoint(personal)) return true;
  return holdsPoint({ ...stored, ...personal });
}

/** A partial update of a Track & Trace order: status, window, personal data, other fields (and a batch's update). */
@Injectable()
export class UpdateOrder {
  constructor(
    private readonly commands: DeliveryCommands,
    private readonly vault: PersonalDataVault,
    private readonly settings: SettingsService,
    private readonly responses: OrderResponses,
  ) {}

  async patch(
    companyId: string,
    id: string,
    body: OrderBody,
    context: CommandContext,
    extra: { initiator?: Initiator; comment?: string } = {},
  ): Promise<OrderResponse> {
    assertValid(body, 'patch');
    // The personal data is compared with the record read before deciding; a PATCH of the same order that sealed
    // meanwhile makes that comparison stale, and the patch is decided again on the new record.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.patchOnce(companyId, id, body, context, extra);
        return this.responses.respond(id, companyId);
      } catch (error) {
        if (!(error instanceof RecordChangedMeanwhile) || attempt >= PATCH_ATTEMPTS) throw error;
      }
    }
  }

  private async patchOnce(
    companyId: string,
    id: string,
    body: OrderBody,
    context: CommandContext,
    extra: { initiator?: Initiator; comment?: string },
  ): Promise<void> {
    const current = await this.commands.active(id, companyId);
    const { facts, personal, personalFields } = split(body);
    const routeId = 'route_id' in facts ? ((facts.route_id as string | null) ?? null) : current.facts.route_id;
    const { depot_id: _depot, ...settings } = await this.settings.deliverySettings(
      companyId,
      routeId,
      current.facts.depot_id,
    );
    const stored = personalFields.length > 0 ? ((await this.vault.open<PersonalRecord>(current.piiRef)) ?? {}) : {};
    // Only a value that differs from the record is a change (PersonalDataChanged, a new seal): the decider never sees
    // the values, so it is told which fields changed.
    const changed = personalFields.filter((field) => !sameRecord(personal, stored, [field]));
    const data = {
      order: facts,
      personal_data_fields: personalFields,
      personal_data_changed: changed,
      located: locatedAfter(current, stored, personal),
      settings,
      initiator: extra.initiator ?? 'user_api',
      comment: extra.comment,
    };
    const renumbered = typeof facts.number === 'string' && facts.number !== current.facts.number;
    let sealed = false;
    await this.commands.execute({ companyId, deliveryId: id }, 'UpdateDelivery', data, context, async (tx) => {
      if (renumbered) {
        await releaseNumber(tx, id);
        await reserveNumber(tx, companyId, facts.number as string, id);
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
}
