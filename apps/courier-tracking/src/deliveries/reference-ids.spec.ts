import { referenceId, storedId, trackAndTraceIds } from './reference-ids';

describe('Track & Trace ids', () => {
  it('shows an id spelt as a decimal integer as that integer, and any other spelling as it is', () => {
    expect(['105', '0', String(Number.MAX_SAFE_INTEGER)].map(referenceId)).toEqual([105, 0, Number.MAX_SAFE_INTEGER]);
    // Exactly: an integer must name the same id back ("007" would come back as "7").
    expect(['007', '-1', '1.5', '1e3', '9007199254740993', 'company-a', ''].map(referenceId)).toEqual([
      '007',
      '-1',
      '1.5',
      '1e3',
      '9007199254740993',
      'company-a',
      '',
    ]);
    expect(referenceId(106)).toBe(106);
  });

  it('stores a body integer as its decimal string and leaves the rest to the validators', () => {
    expect([105, 0, '105', 'r-1', -1, 1.5, null, undefined].map(storedId)).toEqual([
      '105',
      '0',
      '105',
      'r-1',
      -1,
      1.5,
      null,
      undefined,
    ]);
  });

  it('answers an order with the integer id, our UUID beside it, and the companies it is shared with', () => {
    const view = {
      id: 'd5e1…',
      company_id: '105',
      route_id: '7',
      depot_id: null,
      shared_with_company_ids: ['106', 'partner-x', 107],
    };
    expect(trackAndTraceIds(view, 42)).toEqual({
      id: 42,
      delivery_id: 'd5e1…',
      company_id: 105,
      route_id: 7,
      depot_id: null,
      shared_with_company_ids: [106, 'partner-x', 107],
      shared_with_companies: [{ number: '106', id: 106 }, { number: 'partner-x' }, { number: '107', id: 107 }],
    });
  });
});
