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
  return url === `/${DOCS_PATH}` || url.startsWith(`/${DOCS_PATH}/`) || url.startsWith(`/${DOCS_PATH}?`)
    ? DOCS_CONTENT_SECURITY_POLICY
    : API_CONTENT_SECURITY_POLICY;
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
