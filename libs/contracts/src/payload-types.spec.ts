import { encodeMessage, externalOrderAcceptedV1 } from './index';
import type {
  CatalogueDecodedMessage, CourierPositionsReportedV1, DeliveryFinishedV1, ExternalOrderAcceptedV1, ExternalOrderSubmittedV1,
  MarketOrderCreatedV1, OrderItem, OrderStateV1, PayloadOfType,
} from './index';

/*
 * Payload types are inferred from the schemas; these assertions fail type-checking (`tsc`, part of `npm run lint`)
 * if the inference ever degrades to `unknown` or loses optionality, nullability or literal types.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const holds = <T extends true>(): T | undefined => undefined;

describe('payload types inferred from the schemas', () => {
  it('keep strings, literals, null and optional members precise', () => {
    holds<Equal<ExternalOrderAcceptedV1['orderId'], string>>();
    holds<Equal<ExternalOrderAcceptedV1['serviceType'], 'courier' | 'pickup'>>();
    holds<Equal<ExternalOrderAcceptedV1['posOrderRef'], string | null>>();
    holds<Equal<ExternalOrderSubmittedV1['comment'], string | undefined>>();
    holds<Equal<ExternalOrderSubmittedV1['customer'], { readonly name: string; readonly phone: string }>>();
    holds<Equal<OrderItem, { readonly name: string; readonly quantity: number; readonly priceMinor: number; readonly sku?: string }>>();
    holds<Equal<DeliveryFinishedV1['status'], 'finished' | 'partially_finished'>>();
    holds<Equal<MarketOrderCreatedV1['notificationType'], 'ORDER_CREATED'>>();
    holds<Equal<CourierPositionsReportedV1['positions'][number]['point'], { readonly lat: number; readonly lon: number }>>();
    holds<Equal<OrderStateV1['delivery'], null | Exclude<OrderStateV1['delivery'], null>>>();
    holds<Equal<Exclude<OrderStateV1['delivery'], null>['deliveredAt'], string | null>>();
    holds<Equal<PayloadOfType<'ExternalOrderAccepted'>, ExternalOrderAcceptedV1>>();
    expect(true).toBe(true);
  });

  it('make encodeMessage refuse a payload of another shape at compile time', () => {
    const compileOnly = () => {
      // @ts-expect-error acceptedAt and the other required members are missing
      encodeMessage(externalOrderAcceptedV1, { orderId: 'o-1', tenantId: 't-1' }, { eventId: 'e', occurredAt: '2026-11-23T10:00:00Z' });
    };
    expect(typeof compileOnly).toBe('function');
  });

  it('narrow a decoded message by its type', () => {
    const describe = (message: CatalogueDecodedMessage): string => {
      switch (message.type) {
        case 'ExternalOrderAccepted': return message.payload.acceptedBy;
        case 'DeliveryFinished': return message.payload.deliveredAt;
        case 'MarketOrderStatusUpdated': return message.payload.status;
        default: return message.type;
      }
    };
    expect(typeof describe).toBe('function');
  });
});
