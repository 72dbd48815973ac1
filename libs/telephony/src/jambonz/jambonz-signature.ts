import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@callfleet/platform';
import { headerValue, type WebhookRequest, type WebhookSecrets } from '../webhooks/webhook-request';

export const JAMBONZ_SIGNATURE_HEADER = 'jambonz-signature';
/** Jambonz's own verifier refuses signatures older than 300 s; we also refuse ones 300 s ahead. */
export const JAMBONZ_TOLERANCE_SEC = 300;

/**
 * Jambonz signs `"<t>." + JSON.stringify(body)`: the JSON as Node re-serializes the parsed body,
 * not the bytes on the wire, so verification parses and re-serializes too.
 */
export function computeJambonzSignature(secret: string, timestampSec: number | string, body: unknown): string {
  return createHmac('sha256', secret)
    .update(`${timestampSec}.${JSON.stringify(body)}`, 'utf8')
    .digest('hex');
}

export function parseJambonzSignatureHeader(header: string): { timestamp?: string; signatures: string[] } {
  const parsed: { timestamp?: string; signatures: string[] } = { signatures: [] };
  for (const item of header.split(',')) {
    const [key, value] = item.trim().split('=');
    if (key === 't' && value) parsed.timestamp = value;
    else if (key === 'v1' && value) parsed.signatures.push(value);
  }
  return parsed;
}

export function verifyJambonzSignature(input: {
  secret: string | undefined;
  header: string | undefined;
  body: unknown;
  nowMs?: number;
  toleranceSec?: number;
}): boolean {
  if (!input.secret || !input.header) return false;
  const { timestamp, signatures } = parseJambonzSignatureHeader(input.header);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return false;
  const ageSec = Math.floor((input.nowMs ?? Date.now()) / 1000) - Number(timestamp);
  if (Math.abs(ageSec) > (input.toleranceSec ?? JAMBONZ_TOLERANCE_SEC)) return false;
  const expected = computeJambonzSignature(input.secret, timestamp, input.body);
  let valid = false;
  for (const signature of signatures) {
    if (constantTimeEqual(signature, expected)) valid = true;
  }
  return valid;
}

export function verifyJambonzWebhook(request: WebhookRequest, secrets: WebhookSecrets, nowMs?: number): boolean {
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return false;
  }
  return verifyJambonzSignature({
    secret: secrets.signingSecret,
    header: headerValue(request.headers, JAMBONZ_SIGNATURE_HEADER),
    body,
    nowMs,
  });
}
