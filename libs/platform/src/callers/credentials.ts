import { API_KEY_PREFIX } from '@callfleet/contracts';

export type PresentedCredentials =
  | { kind: 'none' }
  | { kind: 'access-token'; token: string }
  | { kind: 'api-key'; key: string }
  /** Something was sent, but not in a form we accept (another scheme, an empty token). */
  | { kind: 'malformed' };

type Headers = Record<string, string | string[] | undefined>;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads what a request presents: `Authorization: Bearer <jwt>`, `Authorization: Bearer cf_...`
 * or `X-API-Key: cf_...`. Authorization wins when both are sent.
 */
export function readCredentials(headers: Headers): PresentedCredentials {
  const authorization = single(headers.authorization);
  if (authorization !== undefined) {
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return { kind: 'malformed' };
    return token.startsWith(API_KEY_PREFIX) ? { kind: 'api-key', key: token } : { kind: 'access-token', token };
  }
  const apiKey = single(headers['x-api-key'])?.trim();
  if (apiKey !== undefined)
    return apiKey.startsWith(API_KEY_PREFIX) ? { kind: 'api-key', key: apiKey } : { kind: 'malformed' };
  return { kind: 'none' };
}
