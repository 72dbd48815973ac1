import type { ErrorBody, HttpErrorEnvelope } from '@callfleet/contracts';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, throwError } from 'rxjs';
import { resolveError } from './error-body';

const logger = new Logger('Errors');

/** The one HTTP error envelope. */
export function httpErrorEnvelope(body: ErrorBody, requestId: string): HttpErrorEnvelope {
  return {
    error: body.message,
    code: body.code,
    requestId,
    timestamp: new Date().toISOString(),
    ...(body.details === undefined ? {} : { details: body.details }),
  };
}

/** Answers with the envelope (for route errors, body-parsing errors and unknown routes alike). */
export function sendHttpError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, unexpected } = resolveError(error);
  if (unexpected) logger.error(error instanceof Error ? error : String(error));
  if (!reply.sent) {
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(httpErrorEnvelope(body, String(request.id)));
  }
}

/**
 * Every error leaves the fleet the same way: over HTTP as the envelope, over NATS as
 * `{code, message, details?}` (the transport adds the service-error headers). Unexpected errors are
 * logged with their stack and answered without internals.
 */
@Catch()
export class FleetExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> | undefined {
    if (host.getType() === 'rpc') {
      const resolved = resolveError(exception);
      if (resolved.unexpected) logger.error(exception instanceof Error ? exception : String(exception));
      return throwError(() => resolved);
    }
    const http = host.switchToHttp();
    sendHttpError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    return undefined;
  }
}
