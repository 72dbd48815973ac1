import type { TelephonyProvider } from '@callfleet/contracts';

/** How a webhook request ended, the `outcome` label of `callfleet_webhooks_received_total`. */
export type WebhookOutcome =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'handshake'
  | 'call-flow'
  | 'unknown-account'
  | 'invalid-signature'
  | 'rate-limited'
  | 'malformed'
  | 'unavailable'
  | 'error';

/** Which provider account a request is addressed to, and what for (from the route). */
export interface WebhookRoute {
  provider: TelephonyProvider;
  accountKey: string;
  /** status, recording, amd, voice, notification: the delivery log's `kind`. */
  kind: string;
  /** Exotel's secret path segment. */
  pathSecret?: string;
}

/** What is learnt about one request on its way through, for the metric and the delivery log. */
export class WebhookDelivery {
  verification: 'not-checked' | 'valid' | 'invalid' | 'unknown-account' | 'handshake' = 'not-checked';
  outcome?: WebhookOutcome;
  eventCount = 0;

  constructor(readonly route: WebhookRoute) {}
}

/** The outcome of a request that failed without saying why, from its status. */
export function outcomeForStatus(status: number): WebhookOutcome {
  if (status === 401) return 'invalid-signature';
  if (status === 404) return 'unknown-account';
  if (status === 429) return 'rate-limited';
  if (status === 503 || status === 504) return 'unavailable';
  return status >= 500 ? 'error' : 'malformed';
}
