/**
 * JetStream streams and the subjects they capture. Events live under `events.`, provider ingress
 * under `ingress.`, dead letters under `dlq.`; command subjects (`<domain>.v1.<action>`, see each
 * domain's `*.commands.ts`) never fall under these roots, so no stream ever captures a request and
 * answers it with a PubAck.
 */
export const Streams = {
  EVENTS: { name: 'EVENTS', subjects: ['events.>'] },
  INGRESS: { name: 'INGRESS', subjects: ['ingress.>'] },
  DEAD_LETTER: { name: 'DEAD_LETTER', subjects: ['dlq.>'] },
} as const;
