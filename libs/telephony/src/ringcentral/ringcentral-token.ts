import { constantTimeEqual } from '@callfleet/platform';
import { headerValue, type WebhookRequest, type WebhookSecrets } from '../webhooks/webhook-request';

/**
 * RingCentral signs nothing: every notification carries the `verificationToken` we set on the
 * subscription, in `Verification-Token` (its docs also say `Validation-Token` in places: both are read).
 */
export function verifyRingCentralToken(request: WebhookRequest, secrets: WebhookSecrets): boolean {
  const expected = secrets.verificationToken;
  if (!expected) return false;
  const presented =
    headerValue(request.headers, 'verification-token') ?? headerValue(request.headers, 'validation-token');
  return presented !== undefined && constantTimeEqual(presented, expected);
}

/** What RingCentral's validation tokens look like; anything else is never echoed into a response header. */
const ECHOABLE_TOKEN = /^[A-Za-z0-9._~+/=-]{1,512}$/;

/**
 * The subscription handshake: on creating (or renewing) a WebHook subscription RingCentral POSTs an
 * empty body with a `Validation-Token` header, which must come back as a `Validation-Token` response
 * header with a 200 within 3 s. Returns the token to echo, or undefined when this is not a handshake.
 */
export function ringCentralHandshakeToken(request: WebhookRequest): string | undefined {
  if (request.rawBody.length > 0) return undefined;
  const token = headerValue(request.headers, 'validation-token');
  return token !== undefined && ECHOABLE_TOKEN.test(token) ? token : undefined;
}
