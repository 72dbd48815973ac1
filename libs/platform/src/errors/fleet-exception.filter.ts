import type { HttpErrorEnvelope } from '@callfleet/contracts';
import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, throwError } from 'rxjs';
import { resolveError } from './error-body';

const logger = new Logger('Errors');

/** Builds the one HTTP error envelope (for route errors, body-parsing errors and unknown routes alike). */
export function sendHttpError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, unexpected } = resolveError(error);
  if (unexpected) logger.error(error instanceof Error ? error : String(error));
  const envelope: HttpErrorEnvelope = {
    error: body.message,
    code: body.code,
    requestId: String(request.id),
    timestamp: new Date().toISOString(),
    ...(body.details === undefined ? {} : { details: body.details }),
  };
  if (!reply.sent) void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(envelope);
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
