import { defineEvent } from '../nats/event-descriptor';
import { Streams } from '../nats/streams';
import { type TelephonyEventKind, TelephonyIngressEvent } from './normalized-telephony-event';
import type { TelephonyProvider } from './telephony-provider';

/** Subject on which webhook-ingest publishes a provider's normalized events (JetStream stream INGRESS). */
export function ingressSubject(provider: TelephonyProvider, kind: TelephonyEventKind): string {
  return `ingress.${provider}.v1.${kind}`;
}

/** Every provider event webhook-ingest stored; a consumer narrows it with its own filter (`ingress.twilio.v1.>`). */
export const TelephonyIngress = defineEvent({
  stream: Streams.INGRESS.name,
  subject: 'ingress.>',
  payload: TelephonyIngressEvent,
});
