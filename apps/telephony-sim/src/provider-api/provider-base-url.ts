import type { FastifyRequest } from 'fastify';

/** How the simulator names itself in URLs it hands out: configured, or the scheme and host it was called on. */
export function providerBaseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}
