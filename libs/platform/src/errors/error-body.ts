import { ERROR_HTTP_STATUS, type ErrorBody, ErrorCode, errorCodeForStatus, isErrorCode } from '@callfleet/contracts';
import { HttpException } from '@nestjs/common';
import { AppException } from './app.exception';
import { isDatabaseUnavailable, isUniqueViolation } from './database-errors';

export interface ResolvedError {
  status: number;
  body: ErrorBody;
  /** True when we did not expect this error: it is logged with its stack, and its message is hidden. */
  unexpected: boolean;
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.BAD_REQUEST,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.BAD_REQUEST,
};

function fromHttpException(error: HttpException): ResolvedError {
  const status = error.getStatus();
  const response = error.getResponse() as string | { message?: unknown; code?: unknown; details?: unknown };
  const code = typeof response === 'object' && isErrorCode(response.code) ? response.code : errorCodeForStatus(status);
  let message = error.message;
  let details: unknown;
  if (typeof response === 'object' && response !== null) {
    if (Array.isArray(response.message)) {
      message = 'Validation failed';
      details = { problems: response.message };
    } else if (typeof response.message === 'string') {
      message = response.message;
    }
    if (response.details !== undefined) details = response.details;
  }
  // An HttpException is thrown on purpose (e.g. Terminus answering 503 while a dependency is down);
  // only a plain 500 means something broke.
  return { status, body: { code, message, ...(details === undefined ? {} : { details }) }, unexpected: status === 500 };
}

/** Turns anything thrown into the status and body we answer with. One place for the whole fleet. */
export function resolveError(error: unknown): ResolvedError {
  if (error instanceof AppException) {
    return {
      status: error.status,
      body: {
        code: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      },
      unexpected: false,
    };
  }
  if (error instanceof HttpException) return fromHttpException(error);
  const e = (error ?? {}) as FastifyLikeError & { name?: string; driverError?: { code?: string } };
  if (typeof e.code === 'string' && e.code.startsWith('FST_')) {
    const code = FASTIFY_CODES[e.code] ?? errorCodeForStatus(e.statusCode ?? 400);
    const message = code === ErrorCode.PAYLOAD_TOO_LARGE ? 'Request body is too large' : (e.message ?? 'Bad request');
    return { status: ERROR_HTTP_STATUS[code], body: { code, message }, unexpected: false };
  }
  // Only errors that carry a client status (body parsers set one); a SyntaxError from our own code is a bug, not a 400.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = errorCodeForStatus(e.statusCode ?? 400);
    return { status: ERROR_HTTP_STATUS[code], body: { code, message: e.message ?? 'Bad request' }, unexpected: false };
  }
  if (isDatabaseUnavailable(e)) {
    // The database is down or restarting: a passing condition the client should retry, not a bug.
    return {
      status: 503,
      body: { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'Database unavailable, retry shortly' },
      unexpected: false,
    };
  }
  if (e.name === 'QueryFailedError') {
    if (isUniqueViolation(e)) {
      return { status: 409, body: { code: ErrorCode.DUPLICATE_ENTRY, message: 'Already exists' }, unexpected: false };
    }
    return { status: 500, body: { code: ErrorCode.DATABASE_ERROR, message: 'Database error' }, unexpected: true };
  }
  return { status: 500, body: { code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error' }, unexpected: true };
}
