import { pickClientIp } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '../gateway.config';

export { pickClientIp };

/** Where a request comes from, for rate limits and auth's audit log (TRUSTED_PROXY_HOPS). */
@Injectable()
export class ClientIpResolver {
  constructor(private readonly config: GatewayConfig) {}

  of(request: FastifyRequest): string {
    // Fastify's `ips` (trustProxy is on) is exactly that chain; without it, only the socket peer.
    const chain = request.ips ?? [request.socket.remoteAddress ?? 'unknown'];
    return pickClientIp(chain, this.config.TRUSTED_PROXY_HOPS);
  }
}
