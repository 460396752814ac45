import { integer, patterned, type Schema } from './schema-kit';

/*
 * Id rules shared by the HTTP edge and the Kafka decode path: an id that HTTP refuses must not enter by Kafka (a
 * Market order id 1e21 passed the Kafka schema as an "integer" and was stored as "1e+21").
 */

/** A company (tenant) id as intake's API takes it in its path: word characters, dots and dashes, 1 to 128. */
export const COMPANY_ID_PATTERN = '^[\\w.-]{1,128}$';
const companyIdRegExp = new RegExp(COMPANY_ID_PATTERN);
export const isCompanyId = (value: unknown): value is string => typeof value === 'string' && companyIdRegExp.test(value);

/** Market's campaign and order ids are int64; we accept the range a JSON number carries exactly. */
export const MAX_MARKET_ID = Number.MAX_SAFE_INTEGER;

/** A Market id as a JSON number (1..2^53-1) or its decimal text, as Market's push API and our HTTP edge take it. */
export function isMarketId(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 1;
  return typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value) && Number(value) <= MAX_MARKET_ID;
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The schema of a Market id in a message: an integer from 1 to MAX_MARKET_ID. */
export const marketId = (description: string): Schema<number> => integer(description, 1, MAX_MARKET_ID);

/** The schema of a company (tenant) id where intake's rule applies. */
export const companyId = (description: string): Schema<string> => patterned(description, COMPANY_ID_PATTERN, 128);
