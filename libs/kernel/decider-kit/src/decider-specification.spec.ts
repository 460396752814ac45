import { Command, Decider, DeciderSpecification, DomainError, Event, fold } from './index';

// A toy tab: opened once, items added while open, closing twice is a no-op.
type TabCommand = Command<'OpenTab', { tabId: string }> | Command<'AddItem', { sku: string; qty: number }> | Command<'CloseTab', Record<string, never>>;
type TabEvent = Event<'TabOpened', { tabId: string; at: string }> | Event<'ItemAdded', { sku: string; qty: number }> | Event<'TabClosed', { at: string }>;
interface Tab { status: 'none' | 'open' | 'closed'; items: number }

class TabNotOpen extends DomainError {
  constructor() { super('TAB_NOT_OPEN', 'the tab is not open'); }
}

const decider: Decider<TabCommand, TabEvent, Tab> = {
  initialState: { status: 'none', items: 0 },
  decide(command, state) {
    switch (command.type) {
      case 'OpenTab':
        return state.status === 'none' ? [{ type: 'TabOpened', data: { tabId: command.data.tabId, at: command.metadata.now } }] : [];
      case 'AddItem':
        if (state.status !== 'open') throw new TabNotOpen();
        if (command.data.qty <= 0) throw new DomainError('INVALID_QUANTITY', 'quantity must be positive', { field: 'qty' });
        return [{ type: 'ItemAdded', data: command.data }];
      case 'CloseTab':
        return state.status === 'closed' ? [] : [{ type: 'TabClosed', data: { at: command.metadata.now } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TabOpened': return { ...state, status: 'open' };
      case 'ItemAdded': return { ...state, items: state.items + event.data.qty };
      case 'TabClosed': return { ...state, status: 'closed' };
    }
  },
};

const now = '2025-01-02T03:04:05.000Z';
const meta = { now, actor: 'tester' };
const opened: TabEvent = { type: 'TabOpened', data: { tabId: 't1', at: now } };
const spec = DeciderSpecification.for(decider);

describe('DeciderSpecification', () => {
  it('passes when the decided events match', () => {
    spec.given([]).when({ type: 'OpenTab', data: { tabId: 't1' }, metadata: meta }).then([opened]);
    spec.given([opened]).when({ type: 'AddItem', data: { sku: 'a', qty: 2 }, metadata: meta }).then([{ type: 'ItemAdded', data: { sku: 'a', qty: 2 } }]);
  });

  it('passes thenNothing for a request already satisfied', () => {
    spec.given([opened]).when({ type: 'OpenTab', data: { tabId: 't1' }, metadata: meta }).thenNothing();
  });

  it('passes thenThrows for the right code and field', () => {
    spec.given([]).when({ type: 'AddItem', data: { sku: 'a', qty: 1 }, metadata: meta }).thenThrows('TAB_NOT_OPEN');
    spec.given([opened]).when({ type: 'AddItem', data: { sku: 'a', qty: 0 }, metadata: meta }).thenThrows('INVALID_QUANTITY', { field: 'qty' });
  });

  it('fails with the path of the first difference', () => {
    const run = () => spec.given([opened]).when({ type: 'AddItem', data: { sku: 'a', qty: 2 }, metadata: meta })
      .then([{ type: 'ItemAdded', data: { sku: 'a', qty: 3 } }]);
    expect(run).toThrow(/decided events differ at \[0\]\.data\.qty: expected 3, received 2/);
  });

  it('fails when events are expected but a domain error is thrown', () => {
    expect(() => spec.given([]).when({ type: 'AddItem', data: { sku: 'a', qty: 1 }, metadata: meta }).then([]))
      .toThrow('expected 0 events, but decide threw TabNotOpen TAB_NOT_OPEN: the tab is not open');
  });

  it('fails thenThrows on another code, a wrong field, or no error', () => {
    const add = (qty: number) => ({ type: 'AddItem' as const, data: { sku: 'a', qty }, metadata: meta });
    expect(() => spec.given([]).when(add(1)).thenThrows('OTHER')).toThrow(/expected a DomainError OTHER, but decide threw TabNotOpen TAB_NOT_OPEN/);
    expect(() => spec.given([opened]).when(add(0)).thenThrows('INVALID_QUANTITY', { field: 'sku' })).toThrow(/on field "sku", but it names field "qty"/);
    expect(() => spec.given([opened]).when(add(1)).thenThrows('TAB_NOT_OPEN')).toThrow(/but decide returned 1 event:/);
  });

  it('fails thenNothing when events are decided', () => {
    expect(() => spec.given([opened]).when({ type: 'CloseTab', data: {}, metadata: meta }).thenNothing()).toThrow(/decided events differ at \[0\]/);
  });

  it('reports a non-domain error as such', () => {
    const broken: Decider<TabCommand, TabEvent, Tab> = { ...decider, decide: () => { throw new TypeError('boom'); } };
    expect(() => DeciderSpecification.for(broken).given().when({ type: 'CloseTab', data: {}, metadata: meta }).thenThrows('X'))
      .toThrow('expected a DomainError X, but decide threw TypeError: boom');
  });

  it('runs a custom check on the thrown error', () => {
    expect(() => spec.given([]).when({ type: 'AddItem', data: { sku: 'a', qty: 1 }, metadata: meta })
      .thenThrows('TAB_NOT_OPEN', { check: (error) => { if (error.message !== 'x') throw new Error('message differs'); } }))
      .toThrow('message differs');
  });
});

describe('fold and DomainError', () => {
  it('folds events from the initial state', () => {
    expect(fold(decider, [opened, { type: 'ItemAdded', data: { sku: 'a', qty: 2 } }, { type: 'ItemAdded', data: { sku: 'b', qty: 3 } }]))
      .toEqual({ status: 'open', items: 5 });
  });

  it('keeps code, field, name and instanceof for subclasses', () => {
    const error = new TabNotOpen();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TabNotOpen');
    expect(error.code).toBe('TAB_NOT_OPEN');
    expect(new DomainError('X', 'y', { field: 'f', details: { a: 1 } })).toMatchObject({ field: 'f', details: { a: 1 } });
  });
});
