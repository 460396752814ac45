import { arrayOf, identifier, type Infer, minorUnits, number, object, text } from '../schema-kit';

export const MAX_ORDER_ITEMS = 200;

/** One line of an order. Dish names are menu data, not personal data. */
export const orderItemSchema = object({
  description: 'One order line.',
  required: {
    name: text('Dish or product name as on the menu', 256),
    quantity: { ...number('Quantity, > 0; fractional for goods sold by weight', undefined, 10000), exclusiveMinimum: 0 },
    priceMinor: minorUnits('Unit price in minor units'),
  },
  optional: { sku: identifier('Menu item code, when the source knows it') },
});

export type OrderItem = Infer<typeof orderItemSchema>;

export const orderItemsSchema = (description: string, minItems: number) =>
  arrayOf(orderItemSchema, description, { min: minItems, max: MAX_ORDER_ITEMS });
