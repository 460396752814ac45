import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
const E164 = /^\+[1-9][0-9]{6,14}$/;

// What people put between the digits of a phone number: spaces (no-break ones too), parentheses, dots and dashes
// of every kind (hyphen, en and em dash, minus sign).
const SEPARATORS = /[\s\u00a0().\-\u2010-\u2015\u2212]/g;

/**
 * A phone number as people and point-of-sale systems write it, in E.164; undefined when it cannot be one.
 * - `+<country><number>` and `00<country><number>` (the international prefix) as they are;
 * - 11 digits beginning with the trunk prefix 8, or with the country code 7 without its plus, are numbers of zone +7
 *   (Russia, Kazakhstan): r_keeper and the Carbis mini-delivery list show `87776665544` (seed 003).
 * Anything else (letters, an extension, a number without its country, a +7 number that is not 10 digits after the
 * code) is refused rather than guessed.
 */
export function normalisePhone(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const compact = text.trim().replace(SEPARATORS, '');
  let e164: string;
  if (/^\+\d+$/.test(compact)) e164 = compact;
  else if (/^00\d+$/.test(compact)) e164 = `+${compact.slice(2)}`;
  else if (/^[78]\d{10}$/.test(compact)) e164 = `+7${compact.slice(1)}`;
  else return undefined;
  if (!E164.test(e164)) return undefined;
  // Zone 7 numbers are ten digits after the code, and none begins with 0 (8 0xx... is another country's trunk form).
  if (e164.startsWith('+7') && (e164.length !== 12 || e164[2] === '0')) return undefined;
  return e164;
}

export const PHONE_FORMS =
  'E.164 (+77776665544), 00 and the country code, or 11 digits starting with 8 or 7 (87776665544)';

/**
 * A DTO phone field: the forms `normalisePhone` reads are turned into E.164 before validation (HTTP and Kafka DTOs
 * alike), and anything else is refused with a message naming the accepted forms.
 */
export function IsPhone(validationOptions?: ValidationOptions): PropertyDecorator {
  const normalise = Transform(({ value }) => normalisePhone(value) ?? value);
  const validate = ValidateBy(
    {
      name: 'isPhone',
      validator: {
        validate: (value) => typeof value === 'string' && normalisePhone(value) === value,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a phone number: ${PHONE_FORMS}`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  );
  return (target, property) => {
    normalise(target, property);
    validate(target, property);
  };
}
