import { createHash, createHmac } from 'node:crypto';
import { parse as parseLegacyQuery, stringify as stringifyLegacyQuery } from 'node:querystring';
import { constantTimeEqual } from '@callfleet/platform';
import { type FormFields, parseFormBody } from '../webhooks/webhook-fields';
import { headerValue, type WebhookRequest, type WebhookSecrets } from '../webhooks/webhook-request';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio's request signature: base64(HMAC-SHA1(authToken, url + name + value for every POST
 * parameter, names sorted; a repeated parameter contributes each distinct value, sorted)).
 * Matches twilio-node's getExpectedTwilioSignature, including its de-duplication of repeated values.
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string | readonly string[]>>,
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

interface UrlParts {
  scheme: string;
  userInfo: string;
  host: string;
  port: string;
  rest: string;
}

/** Splits a URL without normalizing it: the signed string is the URL exactly as Twilio called it. */
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme, authority] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // In an IPv6 literal the port colon comes after the closing bracket.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function withoutPort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

function withDefaultPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

function withLegacyQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${stringifyLegacyQuery(parseLegacyQuery(url.slice(queryStart + 1)))}`;
}

/**
 * The URLs a valid signature may have been computed over, in the order twilio-node's
 * validateRequest tries them: as received without and with the default port (Twilio signs
 * whichever form the webhook was configured with), then the WHATWG-normalized URL (for servers
 * that see an escaped form), also with Node's legacy query encoding.
 */
export function twilioSignedUrlCandidates(url: string): string[] {
  const candidates = [withoutPort(url), withDefaultPort(url)];
  let normalized: string | undefined;
  try {
    normalized = new URL(url).toString();
  } catch {
    normalized = undefined;
  }
  if (normalized) {
    const bare = withoutPort(normalized);
    const ported = withDefaultPort(normalized);
    candidates.push(bare, ported, withLegacyQuery(bare), withLegacyQuery(ported));
  }
  return [...new Set(candidates)];
}

/** Form-encoded webhooks: the signature covers the URL and every POST parameter. */
export function verifyTwilioSignature(input: {
  authToken: string;
  signature: string | undefined;
  url: string;
  params: Readonly<FormFields>;
}): boolean {
  if (!input.authToken || !input.signature) return false;
  const presented = input.signature;
  // No early exit: every candidate costs the same, whichever matches.
  let valid = false;
  for (const candidate of twilioSignedUrlCandidates(input.url)) {
    if (constantTimeEqual(presented, computeTwilioSignature(input.authToken, candidate, input.params))) valid = true;
  }
  return valid;
}

/**
 * JSON webhooks: Twilio adds `bodySHA256` (hex SHA-256 of the body) to the URL and signs the URL
 * alone; the body is then checked against that hash.
 */
export function verifyTwilioBodySignature(input: {
  authToken: string;
  signature: string | undefined;
  url: string;
  rawBody: Buffer;
}): boolean {
  let declaredHash: string | null;
  try {
    declaredHash = new URL(input.url).searchParams.get('bodySHA256');
  } catch {
    return false;
  }
  if (!declaredHash) return false;
  const urlSigned = verifyTwilioSignature({ ...input, params: {} });
  const bodyMatches = constantTimeEqual(declaredHash, createHash('sha256').update(input.rawBody).digest('hex'));
  return urlSigned && bodyMatches;
}

/** Verifies a Twilio webhook; the variant follows from the URL (a `bodySHA256` parameter means JSON). */
export function verifyTwilioWebhook(request: WebhookRequest, secrets: WebhookSecrets): boolean {
  const authToken = secrets.signingSecret;
  if (!authToken) return false;
  const signature = headerValue(request.headers, TWILIO_SIGNATURE_HEADER);
  if (/[?&]bodySHA256=/.test(request.url)) {
    return verifyTwilioBodySignature({ authToken, signature, url: request.url, rawBody: request.rawBody });
  }
  return verifyTwilioSignature({ authToken, signature, url: request.url, params: parseFormBody(request.rawBody) });
}
