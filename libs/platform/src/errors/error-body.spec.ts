import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { AppException } from './app.exception';
import { resolveError } from './error-body';

describe('resolveError: one mapping from anything thrown to status and body', () => {
  it('keeps the code, message and details of an AppException', () => {
    expect(resolveError(new AppException('STATE_CONFLICT', 'not now', { reason: 'x' }))).toEqual({
      status: 409,
      body: { code: 'STATE_CONFLICT', message: 'not now', details: { reason: 'x' } },
      unexpected: false,
    });
  });

  it('maps framework exceptions by status; a deliberate 503 is not an unexpected error', () => {
    expect(resolveError(new ServiceUnavailableException())).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE' },
      unexpected: false,
    });
    expect(resolveError(new BadRequestException(['email must be an email']))).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'Validation failed', details: { problems: ['email must be an email'] } },
    });
  });

  it('turns body-parser errors into 4xx', () => {
    const tooLarge = Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(resolveError(tooLarge)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    const badJson = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(resolveError(badJson)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' }, unexpected: false });
  });

  it('answers 503, not 500, while PostgreSQL cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    const adminShutdown = Object.assign(new Error('terminating connection'), {
      name: 'QueryFailedError',
      driverError: { code: '57P01' },
    });
    for (const error of [refused, poolTimeout, adminShutdown]) {
      expect(resolveError(error)).toMatchObject({
        status: 503,
        body: { code: 'SERVICE_UNAVAILABLE' },
        unexpected: false,
      });
    }
  });

  it('maps a unique violation to 409 and hides other database errors', () => {
    const duplicate = Object.assign(new Error('duplicate key'), {
      name: 'QueryFailedError',
      driverError: { code: '23505' },
    });
    expect(resolveError(duplicate)).toMatchObject({ status: 409, body: { code: 'DUPLICATE_ENTRY' } });
    const broken = Object.assign(new Error('column "x" does not exist'), {
      name: 'QueryFailedError',
      driverError: { code: '42703' },
    });
    expect(resolveError(broken)).toEqual({
      status: 500,
      body: { code: 'DATABASE_ERROR', message: 'Database error' },
      unexpected: true,
    });
  });

  it('treats a SyntaxError from our own code, or anything else, as an internal error without details', () => {
    expect(resolveError(new SyntaxError('Unexpected end of JSON input'))).toEqual({
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
      unexpected: true,
    });
    expect(resolveError('a string')).toMatchObject({ status: 500, unexpected: true });
  });
});
