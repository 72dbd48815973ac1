/**
 * Fastify's `trustProxy` for a number of trusted hops. Fastify's own numeric form trusts nothing (it
 * cannot tell a proxy from a client), so the hop count is a function: the socket peer is hop 0, the
 * last X-Forwarded-For entry hop 1, and so on. With `hops` trusted, request.ip is the address the
 * outermost trusted proxy saw, and X-Forwarded-Proto/-Host count only when the socket peer is a
 * proxy. With 0, no X-Forwarded-* header is read at all.
 */
export function trustedProxyHops(hops: number): false | ((address: string, hop: number) => boolean) {
  if (hops <= 0) return false;
  return (_address, hop) => hop < hops;
}
