// Track & Trace takes and shows `amount` in rubles as a JSON number (a float such as 1250.5); events store money as an
// integer in minor units (kopecks, `amount_minor`), so sums and comparisons are exact and the public contract's
// `amountMinor` is the stored value itself. Both conversions live here so every reader rounds the same way.

/** Kopecks per ruble: the currency of a company's deliveries has two decimals. */
export const MINOR_UNITS_PER_MAJOR = 100;

/**
 * The largest amount (rubles) validation accepts: ten trillion. Up to it a JSON number still tells every two-decimal
 * amount apart, so rubles -> kopecks -> rubles is exact both ways (money.spec.ts); far above it (about 2^44 rubles) it
 * no longer is, and an event would store a sum nobody sent.
 */
export const MAX_AMOUNT = 10_000_000_000_000;

/**
 * Rubles as given (a float) to kopecks. `Math.round(amount * 100)` is what the contract mapper published before money
 * was stored in minor units, and what the upcasters apply to old events: new and upcast events agree with every
 * `amountMinor` already on the topic. A fraction of a kopeck is rounded off (the edge never promised more precision).
 */
export const toMinorUnits = (amount: number): number => Math.round(amount * MINOR_UNITS_PER_MAJOR);

/** Kopecks to rubles as Track & Trace shows them; exact for every amount up to MAX_AMOUNT with at most two decimals. */
export const toMajorUnits = (amountMinor: number): number => amountMinor / MINOR_UNITS_PER_MAJOR;

/** Nullable form of `toMinorUnits`: an unknown amount stays unknown. */
export const toMinorUnitsOrNull = (amount: number | null | undefined): number | null =>
  amount === null || amount === undefined ? null : toMinorUnits(amount);
