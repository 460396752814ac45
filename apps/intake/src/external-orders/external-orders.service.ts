import { Injectable } from '@nestjs/common';
import { EventStore } from '@orders/event-store';
import { ExternalOrderNotFound, externalOrderDecider, externalOrderStreamId } from '@orders/ordering-domain';
import { PersonalDataVault } from '@orders/personal-data';
import { orderViewOf, type ExternalOrderView } from './order-view';
import type { GuestRecord } from './personal-data';

/** Reads of single orders from their streams; every write goes through ExternalOrderCommands. */
@Injectable()
export class ExternalOrdersService {
  constructor(private readonly store: EventStore, private readonly vault: PersonalDataVault) {}

  /** The company owning an order, or undefined when there is no such order. */
  async companyOf(orderId: string): Promise<string | undefined> {
    const { state } = await this.store.load(externalOrderStreamId(orderId), externalOrderDecider, {});
    return state.status === 'NONE' ? undefined : state.companyId;
  }

  /** The order with its guest data and history, read from its stream (read-your-writes, unlike the board). */
  async view(companyId: string, orderId: string): Promise<ExternalOrderView> {
    const events = await this.store.readStream(externalOrderStreamId(orderId));
    const received = events.find((event) => event.type === 'ExternalOrderReceived')?.data as { companyId?: string; piiRef?: string } | undefined;
    if (!received || received.companyId !== companyId) throw new ExternalOrderNotFound(orderId);
    const guest = received.piiRef ? await this.vault.open<GuestRecord>(received.piiRef) : undefined;
    const view = orderViewOf(events, guest);
    if (!view) throw new ExternalOrderNotFound(orderId);
    return view;
  }
}
