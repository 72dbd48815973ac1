import type { TelephonyEventKind } from './normalized-telephony-event';
import type { TelephonyProvider } from './telephony-provider';

/** Subject on which webhook-ingest publishes a provider's normalized events (JetStream stream INGRESS). */
export function ingressSubject(provider: TelephonyProvider, kind: TelephonyEventKind): string {
  return `ingress.${provider}.v1.${kind}`;
}

export const TelephonySubjects = {
  /** Request/reply, answered by call-orchestrator: instructions (TwiML and alike) for a call the provider asks about. */
  CALL_FLOW: 'calls.v1.flow',
} as const;
