import { parseLicences, readIntakeSettings } from './intake-settings';

describe('intake settings', () => {
  it('licenses every company by default', () => {
    expect(readIntakeSettings({}).licences.licenceOf('anyone')).toEqual({ validUntil: null });
  });

  it('reads companies with and without an end of validity', () => {
    const book = parseLicences('company-a, company-b:2020-11-17');
    expect(book.licenceOf('company-a')).toEqual({ validUntil: null });
    expect(book.licenceOf('company-b')).toEqual({ validUntil: '2020-11-17T00:00:00.000Z' });
    expect(book.licenceOf('company-c')).toBeUndefined();
    expect(parseLicences('').licenceOf('company-a')).toBeUndefined();
  });

  it('names the variable when an entry is wrong', () => {
    expect(() => parseLicences('company-a:someday')).toThrow(/INTAKE_LICENSES: "someday" is not a date/);
    expect(() => parseLicences('bad company')).toThrow(/INTAKE_LICENSES/);
  });
});
