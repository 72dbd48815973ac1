import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@callfleet/contracts';
import type { FastifyInstance } from 'fastify';
import type { BaseServiceConfig } from '../config/service-config';
import { AppException } from '../errors/app.exception';
import { httpErrorEnvelope } from '../errors/fleet-exception.filter';
import { answerClientErrors } from './client-error';
import { closeAfterDrainingBody, type DrainLimits, hasUnreadBody } from './lingering-close';
import { trustedProxyHops } from './trusted-proxy';

export function drainLimitsOf(config: BaseServiceConfig): DrainLimits {
  return { maxBytes: config.HTTP_DRAIN_MAX_BYTES, timeoutMs: config.HTTP_DRAIN_TIMEOUT_MS };
}

/**
 * How often Node looks for requests past their headers or request timeout: a quarter of the
 * shorter one, so a limit is enforced within 25 % of itself (Node's default look is every 30 s).
 */
export function timeoutCheckInterval(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const limits = [headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0);
  if (limits.length === 0) return 30_000;
  return Math.max(100, Math.min(30_000, Math.floor(Math.min(...limits) / 4)));
}

/** The HTTP server's side of the edge, as Fastify options: whom to believe about the client, and timeouts. */
export function httpServerOptions(config: BaseServiceConfig) {
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  // Node refuses a headers limit above the request limit.
  const headersTimeout =
    requestTimeout > 0 ? Math.min(config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout) : config.HTTP_HEADERS_TIMEOUT_MS;
  return {
    trustProxy: trustedProxyHops(config.TRUSTED_PROXY_HOPS),
    requestTimeout,
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: timeoutCheckInterval(headersTimeout, requestTimeout),
      // Node answers a missing Host with an empty 400 of its own; the onRequest hook answers the envelope.
      requireHostHeader: false,
    },
    clientErrorHandler: answerClientErrors(drainLimitsOf(config)),
  };
}

function answerExpectationFailed(drain: DrainLimits) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const json = JSON.stringify(
      httpErrorEnvelope(
        { code: ErrorCode.EXPECTATION_FAILED, message: 'Only "Expect: 100-continue" is understood' },
        randomUUID(),
      ),
    );
    if (hasUnreadBody(request)) closeAfterDrainingBody(request, drain);
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      connection: 'close',
    });
    response.end(json);
  };
}

/**
 * Answers Node and Fastify would otherwise give without the envelope, or in a way a kept-alive
 * client cannot read: a missing Host, an Expect other than 100-continue, and any answer given before
 * the request body has arrived (413, 415, 401 from a hook), whose connection is closed only after
 * draining what the client still sends.
 */
export function installFramingGuards(fastify: FastifyInstance, drain: DrainLimits): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const { httpVersionMajor, httpVersionMinor } = request.raw;
    if (httpVersionMajor === 1 && httpVersionMinor >= 1 && request.headers.host === undefined) {
      done(new AppException(ErrorCode.BAD_REQUEST, 'An HTTP/1.1 request must carry a Host header'));
    } else done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (hasUnreadBody(request.raw)) {
      void reply.header('connection', 'close');
      closeAfterDrainingBody(request.raw, drain);
    }
    done(null, payload);
  });
  fastify.server.on('checkExpectation', answerExpectationFailed(drain));
}
