import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '../gateway.config';

/**
 * The client's address given the hop chain [socket peer, ...X-Forwarded-For from right to left]:
 * each trusted proxy appended one entry, so the client is `trustedHops` entries in. Anything
 * further left was written by the client itself and proves nothing.
 */
export function pickClientIp(chain: readonly string[], trustedHops: number): string {
  if (chain.length === 0) return 'unknown';
  return chain[Math.min(trustedHops, chain.length - 1)];
}

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
