import type { Pool, QueryResultRow } from 'pg';
import { type DataSource, QueryFailedError } from 'typeorm';

/**
 * A statement PostgreSQL parses and plans once per connection and then only executes: pg sends a
 * named query's text the first time a connection sees the name, and just the values afterwards.
 * For a hot read this is several times cheaper than TypeORM's query builder, which builds, escapes
 * and sends the SQL anew on every call (and `findOne` with relations sends two statements).
 */
export interface PreparedStatement {
  /** Unique per statement text in the process: a pooled connection keeps it under this name. */
  readonly name: string;
  readonly text: string;
}

const declared = new Map<string, string>();

export function preparedStatement(name: string, text: string): PreparedStatement {
  const known = declared.get(name);
  if (known !== undefined && known !== text) throw new Error(`prepared statement ${name} declared twice`);
  declared.set(name, text);
  return { name, text };
}

/**
 * Runs a prepared statement on the data source's own pool (its connections, limits and timeouts),
 * outside any transaction. Errors are TypeORM's QueryFailedError, so isUniqueViolation and the
 * error mapping see them as they see the repositories'.
 */
export async function runPrepared<R extends QueryResultRow>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: readonly unknown[],
): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  try {
    const result = await pool.query<R>({ name: statement.name, text: statement.text, values: [...values] });
    return result.rows;
  } catch (error) {
    throw new QueryFailedError(statement.text, [...values], error as Error);
  }
}
