import { snapshotDue } from './aggregate';
import { defaultEventInput } from './command-handler';
import { compareCheckpoints, Reads } from './read';
import { UpcasterRegistry } from './upcasters';

describe('checkpoints, snapshots, command metadata', () => {
  it('orders checkpoints by transaction id, then position, as numbers', () => {
    expect(compareCheckpoints({ transactionId: '10', globalPosition: '1' }, { transactionId: '9', globalPosition: '500' })).toBe(1);
    expect(compareCheckpoints({ transactionId: '9', globalPosition: '2' }, { transactionId: '9', globalPosition: '10' })).toBe(-1);
    expect(compareCheckpoints({ transactionId: '9', globalPosition: '2' }, { transactionId: '9', globalPosition: '2' })).toBe(0);
  });

  it('snapshots when an append crosses a multiple of the interval', () => {
    const policy = { every: 10, version: 1 };
    expect(snapshotDue(policy, 9, 10)).toBe(true);
    expect(snapshotDue(policy, 8, 12)).toBe(true);
    expect(snapshotDue(policy, 10, 19)).toBe(false);
  });

  it('copies command metadata onto events, with time from the command', () => {
    const input = defaultEventInput({ type: 'Accepted', data: { id: 1 }, metadata: { marker: 1 } }, {
      type: 'Accept', data: {}, metadata: { now: '2025-01-01T00:00:00.000Z', actor: 'op', correlationId: 'c', causationId: undefined, idempotencyKey: 'k' },
    });
    expect(input).toEqual({
      type: 'Accepted', data: { id: 1 }, occurredAt: '2025-01-01T00:00:00.000Z',
      metadata: { actor: 'op', correlationId: 'c', idempotencyKey: 'k', marker: 1 },
    });
  });
});

describe('read-all SQL', () => {
  it('orders by the xid8 column itself, not the text the select list makes of it', () => {
    const text = (new Reads('event_store', true, new UpcasterRegistry()) as unknown as { allSql: { text: string } }).allSql.text;
    expect(text).toMatch(/ORDER BY ev\.transaction_id, ev\.global_position/);
    expect(text).toMatch(/ev\.transaction_id < \$\d+::xid8/);
  });
});
