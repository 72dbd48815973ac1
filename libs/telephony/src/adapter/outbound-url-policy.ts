import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ErrorCode, type TelephonyProvider } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/**
 * Where the fleet may send provider requests. URLs reach us from tenants (an account's apiBaseUrl)
 * and from webhook bodies (recording URLs), so without this a signed callback could make us fetch
 * cloud metadata or another service's /metrics, or send a tenant's credentials anywhere.
 * - `production`: https only, the provider's official hosts only, and never an internal address
 *   (checked on every address the hostname resolves to);
 * - `development` (dev and tests): http and loopback/private networks too, where the simulator lives
 *   (127.0.0.1, or `telephony-sim` on the compose network), but still never link-local addresses
 *   (cloud metadata), since a dev cluster may run in a cloud.
 */
export interface OutboundUrlPolicy {
  readonly mode: 'production' | 'development';
  /** Every address of a hostname; DNS by default, a fixed table in tests. */
  readonly resolve?: (hostname: string) => Promise<readonly string[]>;
}

/** Production for NODE_ENV=production and for any value the platform does not know (fail closed). */
export function outboundUrlPolicyFor(nodeEnv: string | undefined): OutboundUrlPolicy {
  const development = nodeEnv === undefined || nodeEnv === 'development' || nodeEnv === 'test';
  return { mode: development ? 'development' : 'production' };
}

/** `request`: a URL we chose to call; `redirect`: where the provider sent us from there. */
export type OutboundHop = 'request' | 'redirect';

interface HostRule {
  /** Exact hostname, or `*.domain` for any subdomain. */
  host: string;
  /** Shared storage hosts: only the provider's own bucket path. */
  pathPrefix?: string;
}

/**
 * The providers' documented API and recording hosts. Exotel serves recordings from
 * recordings.exotel.com and, for older accounts, from its `exotelrecordings` S3 bucket.
 */
const OFFICIAL_HOSTS: Readonly<Record<TelephonyProvider, readonly HostRule[]>> = {
  twilio: [{ host: 'api.twilio.com' }],
  exotel: [
    { host: '*.exotel.com' },
    ...['s3-ap-southeast-1', 's3.ap-southeast-1', 's3-ap-south-1', 's3.ap-south-1'].map((region) => ({
      host: `${region}.amazonaws.com`,
      pathPrefix: '/exotelrecordings/',
    })),
  ],
  ringcentral: [{ host: 'platform.ringcentral.com' }, { host: 'media.ringcentral.com' }],
  // No REST API is called for these: in production an apiBaseUrl for them has nowhere to point.
  jambonz: [],
  generic: [],
};

export type AddressScope = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

function blockList(subnets: readonly string[]): BlockList {
  const list = new BlockList();
  for (const subnet of subnets) {
    const [address, prefix] = subnet.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

// IPv4 blocks also match their IPv4-mapped IPv6 form (::ffff:a.b.c.d): BlockList maps them.
const SCOPES: readonly [Exclude<AddressScope, 'public'>, BlockList][] = [
  ['loopback', blockList(['127.0.0.0/8', '::1/128'])],
  ['link-local', blockList(['169.254.0.0/16', 'fe80::/10'])],
  ['private', blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'])],
  [
    'reserved',
    blockList([
      '0.0.0.0/8',
      '192.0.0.0/24',
      '198.18.0.0/15',
      '224.0.0.0/4',
      '240.0.0.0/4',
      // ::/96 holds :: and the deprecated IPv4-compatible form (::127.0.0.1), which BlockList does not map.
      '::/96',
      'ff00::/8',
    ]),
  ],
];

/** NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits: judge that address instead. */
const NAT64 = blockList(['64:ff9b::/96']);

function embeddedIpv4(address: string): string {
  const words = new URL(`http://[${address}]/`).hostname.slice(1, -1).split(':');
  const high = Number.parseInt(words.at(-2) || '0', 16);
  const low = Number.parseInt(words.at(-1) || '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Which network an IP address belongs to; anything not an IP address counts as reserved. */
export function addressScope(address: string): AddressScope {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'reserved';
  if (family === 6 && NAT64.check(bare, 'ipv6')) return addressScope(embeddedIpv4(bare));
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return SCOPES.find(([, list]) => list.check(bare, type))?.[0] ?? 'public';
}

function scopeAllowed(scope: AddressScope, policy: OutboundUrlPolicy): boolean {
  if (policy.mode === 'production') return scope === 'public';
  return scope !== 'link-local' && scope !== 'reserved';
}

function matchesRule(url: URL, rule: HostRule): boolean {
  const host = url.hostname.toLowerCase();
  const hostMatches = rule.host.startsWith('*.') ? host.endsWith(rule.host.slice(1)) : host === rule.host;
  return hostMatches && (rule.pathPrefix === undefined || url.pathname.startsWith(rule.pathPrefix));
}

/**
 * Why this URL may not be fetched for `provider`, judged without DNS (fit for validating input), or
 * undefined when only the resolved addresses are left to check. Redirect hops need not be official
 * hosts: providers send media on to signed storage URLs we cannot list, and credentials never
 * follow a redirect to another origin; internal addresses stay refused.
 */
export function outboundUrlRefusal(
  url: string,
  provider: TelephonyProvider | undefined,
  policy: OutboundUrlPolicy,
  hop: OutboundHop = 'request',
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  const production = policy.mode === 'production';
  if (parsed.protocol !== 'https:' && (production || parsed.protocol !== 'http:')) {
    return production ? 'must be https' : 'must be http(s)';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (production && hop === 'request') {
    const rules = provider ? OFFICIAL_HOSTS[provider] : Object.values(OFFICIAL_HOSTS).flat();
    if (!rules.some((rule) => matchesRule(parsed, rule)))
      return `${parsed.hostname} is not an official ${provider ?? 'provider'} host`;
  }
  const literal = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !scopeAllowed(addressScope(literal), policy)) {
    return `${parsed.hostname} is an internal address`;
  }
  return undefined;
}

const resolveWithDns = async (hostname: string): Promise<string[]> =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Refuses (VALIDATION_ERROR, naming the host, never the whole URL: it may carry a signed token) a
 * URL the policy does not allow, including a hostname with any internal address among those it
 * resolves to. The fetch resolves again, so a hostile resolver could still answer differently in
 * between; production only calls official hosts, which keeps that window to the providers' DNS.
 */
export async function assertOutboundUrlAllowed(
  url: string,
  provider: TelephonyProvider | undefined,
  policy: OutboundUrlPolicy,
  hop: OutboundHop = 'request',
): Promise<void> {
  const refuse = (reason: string) =>
    new AppException(ErrorCode.VALIDATION_ERROR, `Refused outbound ${provider ?? 'provider'} URL: ${reason}`);
  const reason = outboundUrlRefusal(url, provider, policy, hop);
  if (reason) throw refuse(reason);
  const { hostname } = new URL(url);
  if (isIP(hostname.replace(/^\[|\]$/g, ''))) return;
  const addresses = await (policy.resolve ?? resolveWithDns)(hostname);
  if (addresses.length === 0) throw refuse(`${hostname} has no address`);
  if (addresses.some((address) => !scopeAllowed(addressScope(address), policy))) {
    throw refuse(`${hostname} resolves to an internal address`);
  }
}
