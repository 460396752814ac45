import { readDeclaredSettings } from '@orders/service-kit';
import { intakeService } from '../intake.definition';
import { intakeSettings, parseLicences } from './intake-settings';

const read = (env: Record<string, string>) => readDeclaredSettings(intakeService, intakeSettings, env);

describe('intake settings', () => {
  it('licenses every company by default', () => {
    expect(read({}).licences.licenceOf('anyone')).toEqual({ validUntil: null });
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

  it('is validated by the kit, naming the variable and the problem', () => {
    expect(() => read({ INTAKE_LICENSES: 'company-a:someday' })).toThrow(
      /INTAKE_LICENSES="company-a:someday": "someday" is not a date/,
    );
    expect(() => read({ TOPIC_PREFIX: 'bad prefix' })).toThrow(/TOPIC_PREFIX="bad prefix"/);
    expect(read({ TOPIC_PREFIX: 'staging.' }).topicPrefix).toBe('staging.');
  });
});
