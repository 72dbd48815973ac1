import { BlockList, isIP } from 'node:net';
import { constantTimeEqual } from '@callfleet/platform';
import { headerValue, type WebhookRequest, type WebhookSecrets } from '../webhooks/webhook-request';

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function unmapIpv4(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/** Whether `ip` lies in `cidr` (`10.0.0.0/8`, `2001:db8::/32`, or a single address). Malformed input never matches. */
export function ipMatchesCidr(ip: string, cidr: string): boolean {
  const address = unmapIpv4(ip.trim());
  const [network, prefixText, ...rest] = cidr.trim().split('/');
  const family = isIP(address);
  const networkFamily = isIP(unmapIpv4(network));
  if (rest.length > 0 || family === 0 || networkFamily !== family) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (prefix > maxPrefix) return false;
  const block = new BlockList();
  block.addSubnet(unmapIpv4(network), prefix, type);
  return block.check(address, type);
}

export function isIpAllowed(ip: string | undefined, allowList: readonly string[]): boolean {
  return ip !== undefined && allowList.some((cidr) => ipMatchesCidr(ip, cidr));
}

/**
 * Exotel signs nothing, so its routes are guarded by what only Exotel knows: a secret path
 * segment per account (required), HTTP basic auth from the callback URL and an IP allow-list
 * (both optional, checked when the account configures them).
 */
export function verifyExotelRequest(request: WebhookRequest, secrets: WebhookSecrets): boolean {
  if (!secrets.pathSecret || request.pathSecret === undefined) return false;
  const pathOk = constantTimeEqual(request.pathSecret, secrets.pathSecret);
  const ipOk = !secrets.ipAllowList?.length || isIpAllowed(request.remoteAddress, secrets.ipAllowList);
  let basicOk = true;
  if (secrets.basicAuth) {
    const expected = `Basic ${Buffer.from(`${secrets.basicAuth.username}:${secrets.basicAuth.password}`).toString('base64')}`;
    basicOk = constantTimeEqual(headerValue(request.headers, 'authorization') ?? '', expected);
  }
  return pathOk && ipOk && basicOk;
}
