// Kept only for migrations/1767600000000-market-order-ids.ts, which imports this path (migrations are edited by their
// owner, not with the by-use-case move). The code lives in ../marketplace-orders/market-order-ids.ts.
export { platformOrderIdOf } from '../marketplace-orders/market-order-ids';
