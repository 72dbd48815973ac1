import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_HTTP_STATUS, type ErrorBody, ErrorCode } from '@callfleet/contracts';
import { httpErrorEnvelope } from '../errors/fleet-exception.filter';
import { type DrainLimits, lingerThenClose } from './lingering-close';

/** What a request Node's HTTP parser refused gets: the errors it reports are named by `code`. */
export function clientErrorBody(error: { code?: string; reason?: string }): ErrorBody {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { code: ErrorCode.HEADERS_TOO_LARGE, message: 'Request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return { code: ErrorCode.REQUEST_TIMEOUT, message: 'The request did not arrive in time' };
    default: {
      // llhttp's reasons are fixed phrases ("Duplicate Content-Length", "Invalid character in chunk size").
      const reason = typeof error.reason === 'string' && /^[\w .,'-]{1,80}$/.test(error.reason) ? error.reason : '';
      return {
        code: ErrorCode.BAD_REQUEST,
        message: reason ? `Malformed HTTP request: ${reason}` : 'Malformed HTTP request',
      };
    }
  }
}

/** A whole HTTP/1.1 answer, written to the socket by hand: there is no request object to answer through. */
export function rawErrorResponse(body: ErrorBody, requestId: string = randomUUID()): string {
  const status = ERROR_HTTP_STATUS[body.code];
  const json = JSON.stringify(httpErrorEnvelope(body, requestId));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(json)}`,
    `x-request-id: ${requestId}`,
    `date: ${new Date().toUTCString()}`,
    'connection: close',
    '',
    json,
  ].join('\r\n');
}

type ServerSocket = Socket & { _httpMessage?: { headersSent?: boolean } | null };

/**
 * Node's `clientError` handler: a request the parser refuses (headers too large, two
 * Content-Lengths, a bad chunk size) or one that did not arrive in time gets the envelope and
 * `Connection: close`, then a lingering close, so a kept-alive client reads why instead of finding
 * its connection reset. Fastify's default answers a body of its own and destroys the socket at once.
 */
export function answerClientErrors(limits: DrainLimits) {
  return (error: NodeJS.ErrnoException & { reason?: string }, socket: ServerSocket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // An answer already on its way cannot be replaced by another one.
    if (!socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    socket.write(rawErrorResponse(clientErrorBody(error)));
    lingerThenClose(socket, limits);
  };
}
