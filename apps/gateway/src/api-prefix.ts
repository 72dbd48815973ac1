import type { FastifyRequest } from 'fastify';

/** Every route of the public API lives under this prefix; health and metrics stay outside it. */
export const API_PREFIX = 'api/v1';

/** True for the public API's routes (guards and rate limits apply), false for health, metrics and docs. */
export function isApiRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions?.url ?? request.url;
  return route.startsWith(`/${API_PREFIX}/`);
}
