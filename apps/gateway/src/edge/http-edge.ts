import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PREFIX, isApiRequest } from '../api-prefix';
import { setupApiDocs } from '../docs/api-docs';
import type { GatewayConfig } from '../gateway.config';
import {
  hasBody,
  isIncompletePreflight,
  isJsonContentType,
  parseCorsOrigins,
  securityHeadersFor,
} from './http-policies';

/**
 * The gateway's edge, installed before it listens: the /api/v1 prefix (health and metrics stay at
 * the root, where probes and Prometheus look), security headers, CORS for the configured origins,
 * JSON-only bodies, and the OpenAPI docs.
 */
export async function configureHttpEdge(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });

  // Set in onRequest, so that refusals (401, 404, 413, 429) carry them too.
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(securityHeadersFor(request.url));
    done();
  });

  const cors = {
    origin: parseCorsOrigins(config.CORS_ORIGINS),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'],
    maxAge: 600,
  };
  // Per request, so that an incomplete preflight is refused through the error path (the envelope);
  // @fastify/cors would answer it with a text/plain 400 of its own.
  app.enableCors({
    delegator: (request, callback) => {
      if (isIncompletePreflight(request.method, request.headers)) {
        callback(
          new AppException(
            ErrorCode.BAD_REQUEST,
            'A CORS preflight needs the Origin and Access-Control-Request-Method headers',
          ),
        );
      } else callback(null, cors);
    },
  });

  // Refused before parsing: a form or text body would otherwise reach validation as something else.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (isApiRequest(request) && hasBody(request.headers) && !isJsonContentType(request.headers['content-type'])) {
      done(new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json'));
      return;
    }
    done(null, payload);
  });

  setupApiDocs(app);
}
