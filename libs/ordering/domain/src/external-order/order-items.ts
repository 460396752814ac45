import type { OrderItem } from './external-order.events';
import { InvalidOrderContents } from './external-order.errors';

/** The order's total in minor units; rounded, since goods sold by weight have fractional quantities. */
export const itemsTotal = (items: readonly OrderItem[]): number =>
  Math.round(items.reduce((sum, item) => sum + item.quantity * item.priceMinor, 0));

const lineKey = (item: OrderItem): string =>
  JSON.stringify([item.sku ?? null, item.name, item.quantity, item.priceMinor]);

/** Same lines regardless of order: an operator re-entering the dishes in another sequence changed nothing. */
export function sameItems(a: readonly OrderItem[], b: readonly OrderItem[]): boolean {
  if (a.length !== b.length) return false;
  const left = a.map(lineKey).sort();
  const right = b.map(lineKey).sort();
  return left.every((key, index) => key === right[index]);
}

/** The rules every list of items obeys, wherever it comes from. */
export function checkItems(items: readonly OrderItem[], field = 'items'): void {
  if (items.length === 0) throw new InvalidOrderContents('an order holds at least one item', field);
  items.forEach((item, index) => {
    if (!Number.isFinite(item.quantity) || item.quantity <= 0)
      throw new InvalidOrderContents('quantity must be a positive number', `${field}.${index}.quantity`);
    if (!Number.isInteger(item.priceMinor) || item.priceMinor < 0)
      throw new InvalidOrderContents(
        'priceMinor must be a non-negative integer in minor units',
        `${field}.${index}.priceMinor`,
      );
  });
}
