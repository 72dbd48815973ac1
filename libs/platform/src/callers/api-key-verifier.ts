import { createHash } from 'node:crypto';
import { type ApiKeyPrincipalDto, AuthCommands, ErrorCode } from '@callfleet/contracts';
import { LRUCache } from 'lru-cache';
import type { Revocations } from '../access-tokens/revocations';
import { AppException } from '../errors/app.exception';
import type { NatsRpcClient } from '../nats/nats-rpc.client';

export interface ApiKeyVerifierOptions {
  /** How long a verification (or a refusal) is remembered; 0 asks auth on every request. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
}

type Verdict = { principal: ApiKeyPrincipalDto } | { refused: AppException };

const invalidKey = () => new AppException(ErrorCode.INVALID_TOKEN, 'Invalid API key');

/**
 * Checks API keys with auth.v1.api-keys.verify and remembers the answer for `cacheTtlMs`, so a busy
 * machine client costs one NATS round trip per key per TTL. A remembered key is checked against the
 * revocations on every request (auth writes a revoked key to the bucket every verifier watches), so
 * revoking a key takes effect on every replica at once, not when the cache forgets it. Refusals are
 * cached too (a client retrying a dead key should not reach auth every time); transient failures
 * (auth down) are not.
 */
export class ApiKeyVerifier {
  private readonly cache?: LRUCache<string, Verdict>;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly revocations: Revocations,
    options: ApiKeyVerifierOptions,
  ) {
    if (options.cacheTtlMs > 0) {
      this.cache = new LRUCache({ max: options.cacheMaxEntries, ttl: options.cacheTtlMs });
    }
  }

  async verify(key: string): Promise<ApiKeyPrincipalDto> {
    // Keyed by a digest, so the cache never holds usable keys.
    const cacheKey = createHash('sha256').update(key).digest('base64url');
    let verdict = this.cache?.get(cacheKey);
    if (!verdict) {
      verdict = await this.ask(key);
      this.cache?.set(cacheKey, verdict);
    }
    if ('refused' in verdict) throw verdict.refused;
    if (await this.revocations.isApiKeyRevoked(verdict.principal.apiKeyId)) {
      this.cache?.set(cacheKey, { refused: invalidKey() });
      throw invalidKey();
    }
    return verdict.principal;
  }

  private async ask(key: string): Promise<Verdict> {
    try {
      return { principal: await this.rpc.call(AuthCommands.ApiKeyVerify, { key }) };
    } catch (error) {
      // 401: unknown or revoked; 400: not even shaped like a key.
      if (error instanceof AppException && (error.status === 401 || error.status === 400)) {
        return { refused: invalidKey() };
      }
      throw error;
    }
  }
}
