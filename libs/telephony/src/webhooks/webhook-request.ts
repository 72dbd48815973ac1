/**
 * A provider's HTTP request as a route sees it. Built by webhook-ingest from Fastify's request:
 * `url` must be the URL the provider called (public scheme, host, port, path and query: behind a
 * proxy, rebuild it from the configured public base URL), `rawBody` the exact bytes received.
 */
export interface WebhookRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Buffer;
  /** Already-parsed body; only read when `rawBody` is empty. Verifiers always use the raw bytes. */
  body?: unknown;
  /** Peer address (after trusted-proxy resolution), for IP allow-lists. */
  remoteAddress?: string;
  /** The secret path segment of the route, for providers that sign nothing (Exotel). */
  pathSecret?: string;
}

/**
 * What an account stores to authenticate its provider's webhooks. Each provider uses its own:
 * - twilio: `signingSecret` = the account's Auth Token;
 * - generic (Standard Webhooks): `signingSecret` = `whsec_…`;
 * - jambonz: `signingSecret` = the webhook secret;
 * - ringcentral: `verificationToken` = the token set on the subscription;
 * - exotel: `pathSecret` (required), `ipAllowList` and `basicAuth` (optional).
 * A secret the provider needs but the account lacks fails verification (fail closed).
 */
export interface WebhookSecrets {
  signingSecret?: string;
  verificationToken?: string;
  pathSecret?: string;
  /** CIDR blocks or single addresses, IPv4 or IPv6. */
  ipAllowList?: readonly string[];
  basicAuth?: { username: string; password: string };
}

export interface WebhookParseContext {
  accountKey: string;
  /** When the request arrived; used where the provider gives no time. Defaults to now. */
  receivedAt?: Date;
  /** UTC offset of provider times that carry none (Exotel's "YYYY-MM-DD HH:mm:ss"). Default +05:30 (IST). */
  providerUtcOffset?: string;
}

/** Case-insensitive header lookup (Node lowercases, but callers may not); first value of a repeated header. */
export function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export function mediaTypeOf(request: WebhookRequest): string {
  return (headerValue(request.headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}
