import type { SignedParams } from './twilio-signature';

export type WebhookKind =
  | 'status-callback'
  | 'amd-callback'
  | 'recording-callback'
  | 'twiml-fetch'
  | 'exotel-status'
  | 'ringcentral-notification'
  | 'ringcentral-validation';

export type WebhookBody = { form: SignedParams } | { json: unknown } | { empty: true };

/** One callback the simulator sends (possibly several attempts), as recorded in a call's history. */
export interface WebhookDelivery {
  id: string;
  kind: WebhookKind;
  /** The URL as given, connection-override fragment included. */
  url: string;
  method: 'GET' | 'POST';
  body: WebhookBody;
  /** Set on the extra copies an account's duplicate switch sends. */
  duplicateOf?: string;
  attempts: WebhookAttempt[];
  outcome: 'pending' | 'delivered' | 'failed';
}

export interface WebhookAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  status?: number;
  /** Connect failure or timeout, when there was no answer. */
  error?: string;
  /** The start of the answer's body (at most 2 KB). */
  responseBody?: string;
}
