import { isDatabaseUnavailable, isUniqueViolation } from './database-errors';

describe('database errors', () => {
  it('recognizes a unique violation as TypeORM reports it, and nothing else', () => {
    expect(isUniqueViolation({ name: 'QueryFailedError', driverError: { code: '23505' } })).toBe(true);
    expect(isUniqueViolation({ name: 'QueryFailedError', driverError: { code: '23503' } })).toBe(false);
    expect(isUniqueViolation({ name: 'Error', driverError: { code: '23505' } })).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
  });

  it('recognizes a database that cannot be reached', () => {
    expect(isDatabaseUnavailable({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable({ message: 'Connection terminated unexpectedly' })).toBe(true);
    expect(isDatabaseUnavailable({ driverError: { code: '23505' } })).toBe(false);
  });
});
