/**
 * Small builders for the JSON Schemas (draft-07, the dialect AsyncAPI's default schema format extends) that every
 * message type declares. They keep the per-context files short and make one rule hold everywhere: strings are
 * bounded, times are RFC 3339, money is integer minor units.
 */

/** A JSON Schema object. Kept loose on purpose: ajv checks the schemas themselves when it compiles them. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export const text = (description: string, maxLength = 256): JsonSchema =>
  ({ type: 'string', minLength: 1, maxLength, description });

/** An identifier of ours or of a partner (order id, delivery id, operator id...). Opaque, never parsed. */
export const identifier = (description: string): JsonSchema => text(description, 128);

export const dateTime = (description: string): JsonSchema =>
  ({ type: 'string', format: 'date-time', description });

export const integer = (description: string, minimum?: number, maximum?: number): JsonSchema => ({
  type: 'integer', description,
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});

export const number = (description: string, minimum?: number, maximum?: number): JsonSchema => ({
  type: 'number', description,
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
});

/** Money in minor units (kopecks, cents): never a float, so sums are exact (style.md). */
export const minorUnits = (description: string): JsonSchema => integer(description, 0);

export const currency = (): JsonSchema =>
  ({ type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code, e.g. RUB' });

export const boolean = (description: string): JsonSchema => ({ type: 'boolean', description });

export const oneOfValues = (description: string, values: readonly string[]): JsonSchema =>
  ({ type: 'string', enum: [...values], description });

export const constant = (value: string, description: string): JsonSchema => ({ type: 'string', const: value, description });

/** The same schema, also allowing `null` (for "known to be absent", as opposed to a missing property). */
export const orNull = (schema: JsonSchema): JsonSchema => {
  if (Array.isArray(schema['enum'])) return { ...schema, type: [schema['type'], 'null'], enum: [...schema['enum'], null] };
  if (typeof schema['type'] === 'string') return { ...schema, type: [schema['type'], 'null'] };
  return { anyOf: [schema, { type: 'null' }], description: schema['description'] };
};

export const arrayOf = (items: JsonSchema, description: string, bounds: { min?: number; max?: number } = {}): JsonSchema => ({
  type: 'array', items, description,
  ...(bounds.min === undefined ? {} : { minItems: bounds.min }),
  ...(bounds.max === undefined ? {} : { maxItems: bounds.max }),
});

export interface ObjectSpec {
  readonly description?: string;
  readonly required: Readonly<Record<string, JsonSchema>>;
  readonly optional?: Readonly<Record<string, JsonSchema>>;
  /**
   * Closed objects reject unknown properties. Integration events stay open (tolerant readers: adding an optional
   * property is a compatible change within a version); inbound submissions are closed so a producer's typo is
   * reported instead of silently dropped.
   */
  readonly closed?: boolean;
}

export const object = (spec: ObjectSpec): JsonSchema => ({
  type: 'object',
  ...(spec.description === undefined ? {} : { description: spec.description }),
  required: Object.keys(spec.required),
  properties: { ...spec.required, ...(spec.optional ?? {}) },
  ...(spec.closed ? { additionalProperties: false } : {}),
});

/** A geographic point; used only for couriers' positions, never for customers' locations (personal data). */
export const geoPoint = (description: string): JsonSchema => object({
  description, closed: true,
  required: { lat: number('Latitude, degrees', -90, 90), lon: number('Longitude, degrees', -180, 180) },
});

/** Fields every order-scoped integration event starts with; `orderId` is also the Kafka key. */
export interface OrderScoped {
  readonly orderId: string;
  readonly tenantId: string;
}

export const orderScopedFields = (): Record<keyof OrderScoped, JsonSchema> => ({
  orderId: identifier('Order id (the same across intake, courier-tracking and marketplace-cancellations); the Kafka key'),
  tenantId: identifier('Company (tenant) owning the order'),
});

/** Reference to the per-order encrypted personal-data record (architecture rule 7): never the data itself. */
export const personalDataRef = (): JsonSchema =>
  identifier('Subject id of the encrypted personal-data record; resolves to nothing once erased');
