import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsPhone, normalisePhone } from './phone';

class Guest {
  @IsPhone()
  phone!: string;
}

describe('normalisePhone', () => {
  it.each([
    ['the Carbis list form (seed 003)', '87776665544', '+77776665544'],
    ['spaces and dashes', '8 777 666-55-44', '+77776665544'],
    ['parentheses', '8 (777) 666-55-44', '+77776665544'],
    ['+7 with separators', '+7 (777) 666 55 44', '+77776665544'],
    ['7 without its plus', '77776665544', '+77776665544'],
    ['dots and a no-break space', '8.777.666\u00a055.44', '+77776665544'],
    ['an en dash', '8 777 666–55–44', '+77776665544'],
    ['E.164 already', '+79990001122', '+79990001122'],
    ['the international prefix 00', '0049 30 1234567', '+49301234567'],
    ['another country in E.164', '+44 20 7946 0958', '+442079460958'],
    ['surrounding whitespace', '  87776665544 ', '+77776665544'],
  ])('reads %s', (_name, text, e164) => expect(normalisePhone(text)).toBe(e164));

  it.each([
    ['too few digits', '12345'],
    ['a number without its country', '7776665544'],
    ['letters', '8 777 CALL NOW'],
    ['an extension', '+7 777 666 55 44 ext 12'],
    ['a +7 number one digit short', '+7777666554'],
    ['a +7 number one digit long', '+777766655441'],
    ['a country code starting with 0', '+07776665544'],
    ['another trunk form (8 0xx)', '80291234567'],
    ['two pluses', '++77776665544'],
    ['more than 15 digits', '+1234567890123456'],
    ['empty', ''],
    ['not a string', 87776665544],
  ])('refuses %s', (_name, text) => expect(normalisePhone(text)).toBeUndefined());
});

describe('IsPhone', () => {
  const check = (phone: unknown) => {
    const guest = plainToInstance(Guest, { phone });
    return { phone: guest.phone, errors: validateSync(guest) };
  };

  it('turns the accepted forms into E.164 before validating', () => {
    expect(check('8 777 666-55-44')).toEqual({ phone: '+77776665544', errors: [] });
  });

  it('refuses what cannot be a phone, naming the accepted forms', () => {
    const { phone, errors } = check('call me');
    expect(phone).toBe('call me');
    expect(errors[0].constraints?.isPhone).toMatch(/phone must be a phone number: E\.164 .*87776665544/);
  });
});
