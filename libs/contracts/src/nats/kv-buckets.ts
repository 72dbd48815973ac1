/** NATS KV buckets shared by replicas. */
export const KvBuckets = {
  REVOKED_TOKENS: 'revoked-tokens',
  RATE_LIMITS: 'rate-limits',
  /** webhook-ingest's per-provider-account budgets (its own bucket: a bucket's TTL is fixed by whoever creates it). */
  WEBHOOK_RATE_LIMITS: 'webhook-rate-limits',
  /** media-stream: what the detector learned per dialed line (`<orgId>.<hash of line>`), shared by all replicas and legs. */
  MEDIA_LINE_MEMORY: 'media-line-memory',
  /** media-stream: which replica holds each call's stream (`<callId>` → orgId, replica), refreshed while it lives. */
  MEDIA_SESSIONS: 'media-sessions',
  /** media-stream: calls someone listens to (`<callId>` → until when), watched by every replica. */
  MEDIA_LISTENS: 'media-listens',
  /** gateway: live events tickets (`sha256(ticket)` → principal, expiry), deleted when redeemed. */
  EVENT_TICKETS: 'event-tickets',
} as const;
