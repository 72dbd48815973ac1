/**
 * What PostgreSQL errors mean, read from their shape (pg's `code`, TypeORM's `QueryFailedError` with
 * the driver's error) so that this layer needs no database library.
 */

const UNIQUE_VIOLATION = '23505';

/** PostgreSQL refused a row because a unique constraint already holds its value (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { name?: unknown; driverError?: { code?: unknown } } | null | undefined;
  return e?.name === 'QueryFailedError' && e.driverError?.code === UNIQUE_VIOLATION;
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs of a server going away: admin/crash shutdown, cannot connect now (class 57P), connection exceptions (class 08). */
const UNAVAILABLE_SQLSTATE = /^(57P0[1-3]|08\w{3})$/;

/** True for errors meaning PostgreSQL could not be reached, as pg and TypeORM report them. */
export function isDatabaseUnavailable(error: {
  code?: unknown;
  message?: unknown;
  driverError?: { code?: string };
}): boolean {
  const code = typeof error.code === 'string' ? error.code : error.driverError?.code;
  if (code && (CONNECTION_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection to server .* failed/i.test(message);
}
