import { arrayOf, identifier, minorUnits, number, object, text } from '../schema-kit';

/** One line of an order. Dish names are menu data, not personal data. */
export interface OrderItem {
  readonly sku?: string;
  readonly name: string;
  /** Positive; fractional for goods sold by weight. */
  readonly quantity: number;
  /** Unit price in minor units. */
  readonly priceMinor: number;
}

export const MAX_ORDER_ITEMS = 200;

export const orderItemSchema = object({
  description: 'One order line.',
  required: {
    name: text('Dish or product name as on the menu', 256),
    quantity: { ...number('Quantity, > 0'), exclusiveMinimum: 0, maximum: 10000 },
    priceMinor: minorUnits('Unit price in minor units'),
  },
  optional: { sku: identifier('Menu item code, when the source knows it') },
});

export const orderItemsSchema = (description: string, minItems: number) =>
  arrayOf(orderItemSchema, description, { min: minItems, max: MAX_ORDER_ITEMS });
