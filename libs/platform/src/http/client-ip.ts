/**
 * The client's address given the hop chain [socket peer, ...X-Forwarded-For from right to left]
 * (Fastify's `request.ips` with trustProxy on): each trusted proxy appended one entry, so the client
 * is `trustedHops` entries in. Anything further left was written by the client itself and proves nothing.
 */
export function pickClientIp(chain: readonly string[], trustedHops: number): string {
  if (chain.length === 0) return 'unknown';
  return chain[Math.min(trustedHops, chain.length - 1)];
}
