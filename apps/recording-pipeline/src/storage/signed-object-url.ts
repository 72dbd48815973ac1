import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@callfleet/platform';

/**
 * The local driver's stand-in for an S3 presigned URL: `<base>/<key>?expires=<unix s>&signature=<hmac>`,
 * the HMAC-SHA256 of key and expiry under a secret only the fleet holds. Whoever serves the URL (the
 * gateway) checks it with verifyObjectUrlSignature; no session is needed, as with S3.
 */
export function objectUrlSignature(key: string, expiresUnix: number, secret: string): string {
  return createHmac('sha256', secret).update(`${key}\n${expiresUnix}`).digest('base64url');
}

export function signedObjectUrl(baseUrl: string, key: string, expiresUnix: number, secret: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams({
    expires: String(expiresUnix),
    signature: objectUrlSignature(key, expiresUnix, secret),
  });
  return `${baseUrl.replace(/\/+$/, '')}/${path}?${query}`;
}

export type ObjectUrlVerdict = 'valid' | 'expired' | 'bad-signature';

/** Checks the signature first, so an expiry cannot be probed without a valid signature. */
export function verifyObjectUrlSignature(
  key: string,
  query: { expires?: string; signature?: string },
  secret: string,
  nowMs: number,
): ObjectUrlVerdict {
  const expires = Number(query.expires);
  if (!query.signature || !Number.isInteger(expires)) return 'bad-signature';
  if (!constantTimeEqual(query.signature, objectUrlSignature(key, expires, secret))) return 'bad-signature';
  return nowMs < expires * 1000 ? 'valid' : 'expired';
}
