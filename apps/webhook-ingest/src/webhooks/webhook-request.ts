import type { WebhookRequest } from '@callfleet/telephony';
import type { FastifyRequest } from 'fastify';

/** A provider's request as the telephony verifiers and parsers take it: the exact bytes received. */
export function toWebhookRequest(
  request: FastifyRequest,
  calledUrl: string,
  remoteAddress: string,
  pathSecret?: string,
): WebhookRequest {
  return {
    method: request.method,
    url: calledUrl,
    headers: request.headers,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    remoteAddress,
    ...(pathSecret === undefined ? {} : { pathSecret }),
  };
}
