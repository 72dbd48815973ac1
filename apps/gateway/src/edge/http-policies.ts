/**
 * The API answers JSON only, so nothing it serves may load or run anything. The docs page is the
 * one HTML page: Swagger UI loads its scripts and styles from /api/docs itself, sets inline styles
 * and shows data: images, and calls the API from the same origin.
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

export function contentSecurityPolicyFor(url: string): string {
  return isDocsUrl(url) ? DOCS_CONTENT_SECURITY_POLICY : API_CONTENT_SECURITY_POLICY;
}

function isDocsUrl(url: string): boolean {
  return url === `/${DOCS_PATH}` || url.startsWith(`/${DOCS_PATH}/`) || url.startsWith(`/${DOCS_PATH}?`);
}

/**
 * helmet 8's default headers (its own CSP aside: ours depends on the path), written out once.
 * @fastify/helmet rebuilt its middleware chain on every request, a measurable share of a cheap
 * read; these never change, so every answer gets the same precomputed object.
 */
const SECURITY_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
} as const;

const API_SECURITY_HEADERS = Object.freeze({
  ...SECURITY_HEADERS,
  'content-security-policy': API_CONTENT_SECURITY_POLICY,
});
const DOCS_SECURITY_HEADERS = Object.freeze({
  ...SECURITY_HEADERS,
  'content-security-policy': DOCS_CONTENT_SECURITY_POLICY,
});

/** Every security header an answer to `url` carries, content security policy included. */
export function securityHeadersFor(url: string): Readonly<Record<string, string>> {
  return isDocsUrl(url) ? DOCS_SECURITY_HEADERS : API_SECURITY_HEADERS;
}

/** CORS_ORIGINS as a list of exact origins (`https://app.example.com`), ignoring blanks and trailing slashes. */
export function parseCorsOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin.length > 0);
}

/** `application/json` or any `+json` type, with or without parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(value.trim());
}

/** Whether the request carries a body at all (a declared length above zero, or a chunked stream). */
export function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = Number(headers['content-length'] ?? 0);
  return (Number.isFinite(length) && length > 0) || headers['transfer-encoding'] !== undefined;
}

/**
 * An OPTIONS request that is not a whole CORS preflight (one without Origin or
 * Access-Control-Request-Method): the gateway serves no OPTIONS route of its own, so it is refused.
 */
export function isIncompletePreflight(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  return method === 'OPTIONS' && (!headers.origin || !headers['access-control-request-method']);
}
