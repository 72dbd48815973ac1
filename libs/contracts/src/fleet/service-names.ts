/** The services of the fleet, by their discovery name (also their queue group on NATS). */
export const ServiceName = {
  GATEWAY: 'gateway',
  AUTH: 'auth',
  CALL_ORCHESTRATOR: 'call-orchestrator',
  WEBHOOK_INGEST: 'webhook-ingest',
  RECORDING_PIPELINE: 'recording-pipeline',
  MEDIA_STREAM: 'media-stream',
  /** Dev/test only: the simulated telephony provider, not part of a production fleet. */
  TELEPHONY_SIM: 'telephony-sim',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

export const DEFAULT_HTTP_PORTS: Readonly<Record<ServiceName, number>> = {
  gateway: 3000,
  'webhook-ingest': 3001,
  'media-stream': 3002,
  auth: 3003,
  'call-orchestrator': 3004,
  'recording-pipeline': 3005,
  'telephony-sim': 3900,
};
