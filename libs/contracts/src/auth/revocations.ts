/**
 * Revocations every verifier of credentials must see at once live in the KV bucket
 * `KvBuckets.REVOKED_TOKENS`: an access token's `jti` (value: its `exp`, epoch seconds) and an API key
 * as `revokedApiKeyEntry(id)`. Whoever opens the bucket first fixes its TTL, so auth and every
 * verifier open it with this one: longer than an access token lives (15 minutes) and than a gateway
 * may remember a verified API key (API_KEY_CACHE_TTL_MS, at most 10 minutes).
 */
export const REVOKED_TOKENS_TTL_MS = 20 * 60 * 1000;

/** The bucket entry that revokes an API key (ids are UUIDs; a jti never has a dot). */
export function revokedApiKeyEntry(apiKeyId: string): string {
  return `api-key.${apiKeyId}`;
}
