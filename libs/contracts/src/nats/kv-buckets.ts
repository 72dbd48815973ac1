/** NATS KV buckets shared by replicas. */
export const KvBuckets = {
  REVOKED_TOKENS: 'revoked-tokens',
  RATE_LIMITS: 'rate-limits',
  /** webhook-ingest's per-provider-account budgets (its own bucket: a bucket's TTL is fixed by whoever creates it). */
  WEBHOOK_RATE_LIMITS: 'webhook-rate-limits',
} as const;
