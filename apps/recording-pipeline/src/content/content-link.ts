import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@callfleet/platform';

/** What a content link grants: one recording of one org, until `expiresAtMs`. */
export interface ContentGrant {
  recordingId: string;
  orgId: string;
  expiresAtMs: number;
}

function signature(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** `<payload>.<HMAC>`, URL-safe: the gateway puts it in the path of this service's content route. */
export function signContentLink(grant: ContentGrant, secret: string): string {
  const payload = Buffer.from(JSON.stringify([grant.recordingId, grant.orgId, grant.expiresAtMs])).toString(
    'base64url',
  );
  return `${payload}.${signature(payload, secret)}`;
}

/** The grant of a token this service signed and that has not expired at `nowMs`; undefined otherwise. */
export function verifyContentLink(token: string, secret: string, nowMs: number): ContentGrant | undefined {
  const [payload, presented, extra] = token.split('.');
  if (!payload || !presented || extra !== undefined) return undefined;
  if (!constantTimeEqual(presented, signature(payload, secret))) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 3) return undefined;
  const [recordingId, orgId, expiresAtMs] = fields as unknown[];
  if (typeof recordingId !== 'string' || typeof orgId !== 'string' || typeof expiresAtMs !== 'number') return undefined;
  return expiresAtMs > nowMs ? { recordingId, orgId, expiresAtMs } : undefined;
}
