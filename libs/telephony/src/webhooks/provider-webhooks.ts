import type { NormalizedTelephonyEvent, TelephonyProvider } from '@callfleet/contracts';
import { verifyExotelRequest } from '../exotel/exotel-guard';
import { parseExotelWebhook } from '../exotel/exotel-webhook.parser';
import { verifyJambonzWebhook } from '../jambonz/jambonz-signature';
import { parseJambonzWebhook } from '../jambonz/jambonz-webhook.parser';
import { verifyRingCentralToken } from '../ringcentral/ringcentral-token';
import { parseRingCentralWebhook } from '../ringcentral/ringcentral-webhook.parser';
import { parseGenericWebhook } from '../standard-webhooks/generic-webhook.parser';
import { verifyStandardWebhookRequest } from '../standard-webhooks/standard-webhooks-signature';
import { verifyTwilioWebhook } from '../twilio/twilio-signature';
import { parseTwilioWebhook } from '../twilio/twilio-webhook.parser';
import type { WebhookParseContext, WebhookRequest, WebhookSecrets } from './webhook-request';

/** How one provider's webhooks are authenticated and read. Pure: no I/O, no clock unless `nowMs` is omitted. */
export interface ProviderWebhooks {
  readonly provider: TelephonyProvider;
  /** Signature (or token, or path secret) check with constant-time compares. Never throws. */
  verify(request: WebhookRequest, secrets: WebhookSecrets, nowMs?: number): boolean;
  /** Normalized events of a verified request; throws WebhookPayloadError (a 4xx) on a body it cannot read. */
  parse(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[];
}

const neverThrows =
  (verify: ProviderWebhooks['verify']): ProviderWebhooks['verify'] =>
  (request, secrets, nowMs) => {
    try {
      return verify(request, secrets, nowMs);
    } catch {
      return false;
    }
  };

export const PROVIDER_WEBHOOKS: Readonly<Record<TelephonyProvider, ProviderWebhooks>> = {
  twilio: { provider: 'twilio', verify: neverThrows(verifyTwilioWebhook), parse: parseTwilioWebhook },
  exotel: { provider: 'exotel', verify: neverThrows(verifyExotelRequest), parse: parseExotelWebhook },
  ringcentral: { provider: 'ringcentral', verify: neverThrows(verifyRingCentralToken), parse: parseRingCentralWebhook },
  jambonz: { provider: 'jambonz', verify: neverThrows(verifyJambonzWebhook), parse: parseJambonzWebhook },
  generic: { provider: 'generic', verify: neverThrows(verifyStandardWebhookRequest), parse: parseGenericWebhook },
};
