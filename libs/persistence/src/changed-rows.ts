import type { EntityManager } from 'typeorm';

/**
 * The rows an `UPDATE … RETURNING` / `DELETE … RETURNING` changed. TypeORM's `query` answers those
 * statements with `[rows, count]` instead of the rows, so the statement runs inside a CTE, which
 * makes it a SELECT (the same statement, one round trip).
 */
export function changedRows<T>(manager: EntityManager, statement: string, params: unknown[]): Promise<T[]> {
  return manager.query(`WITH changed AS (${statement}) SELECT * FROM changed`, params);
}
