import { iikoDeliveryStateOf } from './iiko-delivery-state';

describe('iikoDeliveryStateOf', () => {
  const at = '2026-03-02T09:00:00.000Z';

  it('shows a closed delivery as iiko does: DeliveryStatus Closed and the closed flag', () => {
    expect(iikoDeliveryStateOf({ status: 'finished', close_time: at })).toEqual({
      delivery_status: 'Closed',
      closed: true,
    });
  });

  it('shows a delivered, not (or no longer) closed delivery as Delivered', () => {
    expect(iikoDeliveryStateOf({ status: 'finished', close_time: null })).toEqual({
      delivery_status: 'Delivered',
      closed: false,
    });
  });

  it("shows every open status as OnWay, where iiko's delivered and undo operations act", () => {
    for (const status of ['new', 'confirmed', 'postponed'] as const) {
      expect(iikoDeliveryStateOf({ status, close_time: null })).toEqual({ delivery_status: 'OnWay', closed: false });
    }
  });

  it('shows cancelled as Cancelled, and partially_finished, unknown to iiko, as null', () => {
    expect(iikoDeliveryStateOf({ status: 'cancelled', close_time: null })).toEqual({
      delivery_status: 'Cancelled',
      closed: false,
    });
    expect(iikoDeliveryStateOf({ status: 'partially_finished', close_time: null })).toEqual({
      delivery_status: null,
      closed: false,
    });
  });
});
