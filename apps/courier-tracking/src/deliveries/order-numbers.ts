import { DomainError } from '@orders/decider-kit';
import type { Pool, PoolClient } from 'pg';

// `order_numbers`: an order's number is unique per company (create, renumbering PATCH, batch upsert by number).

/** A rule broken by the request (409), so a DomainError: the error envelope recognises those by class only. */
class OrderNumberTaken extends DomainError {
  constructor(number: string) {
    super('ORDER_NUMBER_TAKEN', `an order numbered ${number} already exists in this company`, { field: 'number' });
  }
}

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string })?.code === '23505';

/** Written alongside the append; a number the company already uses is 409 `ORDER_NUMBER_TAKEN`. */
export async function reserveNumber(tx: PoolClient, companyId: string, number: string, id: string): Promise<void> {
  try {
    await tx.query('INSERT INTO order_numbers (company_id, number, delivery_id) VALUES ($1, $2, $3)', [
      companyId,
      number,
      id,
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new OrderNumberTaken(number);
    throw error;
  }
}

/** The order's number is free again (renumbered or deleted). */
export async function releaseNumber(tx: PoolClient, id: string): Promise<void> {
  await tx.query('DELETE FROM order_numbers WHERE delivery_id = $1', [id]);
}

export async function idOfNumber(pool: Pool, companyId: string, number: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ delivery_id: string }>(
    'SELECT delivery_id FROM order_numbers WHERE company_id = $1 AND number = $2',
    [companyId, number],
  );
  return rows[0]?.delivery_id;
}
