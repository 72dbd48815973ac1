import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@callfleet/platform';
import { headerValue, type WebhookRequest, type WebhookSecrets } from '../webhooks/webhook-request';

/** Standard Webhooks' replay window, both directions (a sender clock ahead is refused too). */
export const STANDARD_WEBHOOKS_TOLERANCE_SEC = 5 * 60;
const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in the reference library). */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : undefined;
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>`, as a sender puts it in `webhook-signature`. */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSec: number,
  rawBody: Buffer | string,
): string {
  const key = standardWebhooksKey(secret);
  if (!key) throw new Error('Invalid Standard Webhooks secret');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSec}.`).update(rawBody).digest('base64');
  return `v1,${mac}`;
}

/**
 * True when a `webhook-timestamp` (whole seconds) is at most `toleranceSec` from now, either way,
 * both bounds included. Measured against the current time to the millisecond: truncating now to
 * its second first, as the reference library does, stretches the window by up to a second
 * (a timestamp 300.9 s old passed as 300).
 */
export function withinTolerance(timestampSec: number, nowMs: number, toleranceSec: number): boolean {
  return Math.abs(timestampSec * 1000 - nowMs) <= toleranceSec * 1000;
}

export function verifyStandardWebhook(input: {
  secret: string | undefined;
  id: string | undefined;
  timestamp: string | undefined;
  signatureHeader: string | undefined;
  rawBody: Buffer;
  nowMs?: number;
  toleranceSec?: number;
}): boolean {
  const { id, timestamp, signatureHeader } = input;
  if (!input.secret || !id || !timestamp || !signatureHeader) return false;
  const key = standardWebhooksKey(input.secret);
  if (!key || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowMs = input.nowMs ?? Date.now();
  if (!withinTolerance(Number(timestamp), nowMs, input.toleranceSec ?? STANDARD_WEBHOOKS_TOLERANCE_SEC)) return false;

  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(input.rawBody).digest('base64');
  // Several signatures may be sent during a secret rotation; any v1 match is enough.
  let valid = false;
  for (const versioned of signatureHeader.split(' ')) {
    const comma = versioned.indexOf(',');
    if (comma === -1 || versioned.slice(0, comma) !== 'v1') continue;
    if (constantTimeEqual(versioned.slice(comma + 1), expected)) valid = true;
  }
  return valid;
}

export function verifyStandardWebhookRequest(
  request: WebhookRequest,
  secrets: WebhookSecrets,
  nowMs?: number,
): boolean {
  return verifyStandardWebhook({
    secret: secrets.signingSecret,
    id: headerValue(request.headers, 'webhook-id'),
    timestamp: headerValue(request.headers, 'webhook-timestamp'),
    signatureHeader: headerValue(request.headers, 'webhook-signature'),
    rawBody: request.rawBody,
    nowMs,
  });
}
