import { createHash } from 'node:crypto';
import { type ApiKeyPrincipalDto, AuthCommands, ErrorCode } from '@callfleet/contracts';
import { AppException, NatsRpcClient } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { ExpiringCache } from './expiring-cache';

type Verdict = { principal: ApiKeyPrincipalDto } | { refused: AppException };

/**
 * Checks API keys with auth.v1.api-keys.verify and remembers the answer for API_KEY_CACHE_TTL_MS,
 * so a busy machine client costs one NATS round trip per key per TTL. A revoked key may therefore
 * keep working for up to that long on a replica that cached it. Refusals are cached too (a client
 * retrying a dead key should not reach auth every time); transient failures (auth down) are not.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly cache: ExpiringCache<string, Verdict>;

  constructor(
    private readonly rpc: NatsRpcClient,
    config: GatewayConfig,
  ) {
    this.cache = new ExpiringCache(config.API_KEY_CACHE_TTL_MS, config.API_KEY_CACHE_MAX_ENTRIES);
  }

  async verify(key: string): Promise<ApiKeyPrincipalDto> {
    // Keyed by a digest, so the cache never holds usable keys.
    const cacheKey = createHash('sha256').update(key).digest('base64url');
    let verdict = this.cache.get(cacheKey);
    if (!verdict) {
      verdict = await this.ask(key);
      this.cache.set(cacheKey, verdict);
    }
    if ('refused' in verdict) throw verdict.refused;
    return verdict.principal;
  }

  private async ask(key: string): Promise<Verdict> {
    try {
      return { principal: await this.rpc.call(AuthCommands.ApiKeyVerify, { key }) };
    } catch (error) {
      // 401: unknown or revoked; 400: not even shaped like a key.
      if (error instanceof AppException && (error.status === 401 || error.status === 400)) {
        return { refused: new AppException(ErrorCode.INVALID_TOKEN, 'Invalid API key') };
      }
      throw error;
    }
  }
}
