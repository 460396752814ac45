/**
 * Typed builders for the JSON Schemas (draft-07, the dialect AsyncAPI's default schema format extends) of the
 * messages. Each builder returns the schema and, at the type level only, the TypeScript type of the values it
 * accepts, so a payload type is inferred from its schema (`Infer<typeof schema>`) and the two cannot disagree.
 * They also make one rule hold everywhere: strings are bounded, times are RFC 3339, money is integer minor units.
 */

/** A JSON Schema object. Kept loose on purpose: ajv checks the schemas themselves when it compiles them. */
export type JsonSchema = { readonly [keyword: string]: unknown };

declare const valueType: unique symbol;

/** A JSON Schema that accepts values of type `T` (the type exists only for the compiler). */
export type Schema<T> = JsonSchema & { readonly [valueType]?: T };

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Flattens intersections so inferred payload types read like plain interfaces in editors. */
export type Simplify<T> = { [K in keyof T]: T[K] };

export const text = (description: string, maxLength = 256): Schema<string> => ({
  type: 'string',
  minLength: 1,
  maxLength,
  description,
});

/** A string with a pattern (codes, phone numbers, Market enum values...). */
export const patterned = (description: string, pattern: string, maxLength = 64): Schema<string> => ({
  ...text(description, maxLength),
  pattern,
});

/** An identifier of ours or of a partner (order id, delivery id, operator id...). Opaque, never parsed. */
export const identifier = (description: string): Schema<string> => text(description, 128);

export const dateTime = (description: string): Schema<string> => ({ type: 'string', format: 'date-time', description });

const bounded = (
  type: 'integer' | 'number',
  description: string,
  minimum?: number,
  maximum?: number,
): Schema<number> => ({
  type,
  description,
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});

export const integer = (description: string, minimum?: number, maximum?: number): Schema<number> =>
  bounded('integer', description, minimum, maximum);

export const number = (description: string, minimum?: number, maximum?: number): Schema<number> =>
  bounded('number', description, minimum, maximum);

/** Money in minor units (kopecks, cents): never a float, so sums are exact (style.md). */
export const minorUnits = (description: string): Schema<number> => integer(description, 0);

export const currency = (): Schema<string> => patterned('ISO 4217 currency code, e.g. RUB', '^[A-Z]{3}$', 3);

export const boolean = (description: string): Schema<boolean> => ({ type: 'boolean', description });

export const oneOfValues = <const V extends readonly string[]>(description: string, values: V): Schema<V[number]> => ({
  type: 'string',
  enum: [...values],
  description,
});

export const constant = <const V extends string>(value: V, description: string): Schema<V> => ({
  type: 'string',
  const: value,
  description,
});

/** The same schema, also allowing `null` (for "known to be absent", as opposed to a missing property). */
export const orNull = <T>(schema: Schema<T>): Schema<T | null> => {
  const type = schema['type'];
  if (typeof type !== 'string') throw new Error('orNull needs a schema with a single type');
  const nullable = { ...schema, type: [type, 'null'] };
  return Array.isArray(schema['enum']) ? { ...nullable, enum: [...schema['enum'], null] } : nullable;
};

export const arrayOf = <T>(
  items: Schema<T>,
  description: string,
  bounds: { min?: number; max?: number } = {},
): Schema<readonly T[]> => ({
  type: 'array',
  items,
  description,
  ...(bounds.min === undefined ? {} : { minItems: bounds.min }),
  ...(bounds.max === undefined ? {} : { maxItems: bounds.max }),
});

type Properties = Readonly<Record<string, Schema<unknown>>>;
type NoProperties = Readonly<Record<never, Schema<unknown>>>;

export type ObjectOf<R extends Properties, O extends Properties> = Simplify<
  { readonly [K in keyof R]: Infer<R[K]> } & { readonly [K in keyof O]?: Infer<O[K]> }
>;

export interface ObjectSpec<R extends Properties, O extends Properties> {
  readonly description?: string;
  readonly required: R;
  readonly optional?: O;
  /**
   * Closed objects reject unknown properties. Integration events stay open (tolerant readers: adding an optional
   * property is a compatible change within a version); inbound submissions are closed so a producer's typo is
   * reported instead of silently dropped.
   */
  readonly closed?: boolean;
}

export const object = <R extends Properties, O extends Properties = NoProperties>(
  spec: ObjectSpec<R, O>,
): Schema<ObjectOf<R, O>> => ({
  type: 'object',
  ...(spec.description === undefined ? {} : { description: spec.description }),
  required: Object.keys(spec.required),
  properties: { ...spec.required, ...(spec.optional ?? {}) },
  ...(spec.closed ? { additionalProperties: false } : {}),
});

/** A geographic point; used for couriers' positions, and for customers' only on inbound topics (personal data). */
export const geoPoint = (description: string) =>
  object({
    description,
    closed: true,
    required: { lat: number('Latitude, degrees', -90, 90), lon: number('Longitude, degrees', -180, 180) },
  });

/** Fields every order-scoped integration event starts with; `orderId` is also the Kafka key. */
export const orderScopedFields = () => ({
  orderId: identifier(
    "Platform-wide order id, the same in every service handling the order: intake's id (a UUID; for a Market order marketOrderIntakeId(campaignId, marketOrderId)); the Kafka key",
  ),
  tenantId: identifier('Company (tenant) owning the order'),
});

export type OrderScoped = ObjectOf<ReturnType<typeof orderScopedFields>, NoProperties>;

/** Reference to the per-order encrypted personal-data record (architecture rule 7): never the data itself. */
export const personalDataRef = (): Schema<string> =>
  identifier('Subject id of the encrypted personal-data record; resolves to nothing once erased');
