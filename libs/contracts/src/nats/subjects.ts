/**
 * Every subject of the fleet, written once. Commands are `<domain>.v1.<action>` (request/reply,
 * queue group = service name); events are `events.<domain>.v1.<event>` (JetStream). The two roots
 * never overlap, so no stream ever captures a request and answers it with a PubAck.
 */
export const AuthSubjects = {
  REGISTER: 'auth.v1.register',
  LOGIN: 'auth.v1.login',
  REFRESH: 'auth.v1.refresh',
  LOGOUT: 'auth.v1.logout',
  ME: 'auth.v1.me',
  JWKS: 'auth.v1.jwks',
  PASSWORD_RESET_REQUEST: 'auth.v1.password-reset.request',
  PASSWORD_RESET_CONFIRM: 'auth.v1.password-reset.confirm',
  VERIFY_EMAIL: 'auth.v1.verify-email',
  VERIFY_EMAIL_RESEND: 'auth.v1.verify-email.resend',
  API_KEY_CREATE: 'auth.v1.api-keys.create',
  API_KEY_LIST: 'auth.v1.api-keys.list',
  API_KEY_REVOKE: 'auth.v1.api-keys.revoke',
  API_KEY_VERIFY: 'auth.v1.api-keys.verify',
  USERS_LIST: 'auth.v1.users.list',
  USERS_INVITE: 'auth.v1.users.invite',
} as const;

export const AuthEvents = {
  NOTIFICATION_REQUESTED: 'events.auth.v1.notification-requested',
  USER_REGISTERED: 'events.auth.v1.user-registered',
} as const;

/** JetStream streams and the subjects they capture. */
export const Streams = {
  EVENTS: { name: 'EVENTS', subjects: ['events.>'] },
  INGRESS: { name: 'INGRESS', subjects: ['ingress.>'] },
  DEAD_LETTER: { name: 'DEAD_LETTER', subjects: ['dlq.>'] },
} as const;

/** NATS KV buckets shared by replicas. */
export const KvBuckets = {
  REVOKED_TOKENS: 'revoked-tokens',
  RATE_LIMITS: 'rate-limits',
  /** webhook-ingest's per-provider-account budgets (its own bucket: a bucket's TTL is fixed by whoever creates it). */
  WEBHOOK_RATE_LIMITS: 'webhook-rate-limits',
} as const;

/** The services of the fleet, by their discovery name. */
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
