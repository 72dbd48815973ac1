import type { StreamTokenClaims } from '@callfleet/contracts';
import type { JwksKeyring } from '../access-tokens/jwks-keyring';
import type { Clock } from '../clock/clock';
import { StreamTokenError, verifyStreamToken } from './stream-token';

/**
 * Verifies the stream token a media stream presents, against auth's published keys (refetched once for
 * a `kid` not seen yet, as for access tokens). It proves which call, organization and provider the
 * stream is for; the caller still compares `callId` with the stream's own call.
 * Refusals are StreamTokenError (by `reason`); with no key set at all yet (auth never answered)
 * it throws AppException SERVICE_UNAVAILABLE, which is not the token's fault.
 */
export class StreamTokenVerifier {
  constructor(
    private readonly keyring: JwksKeyring,
    private readonly clock: Clock,
  ) {}

  async verify(token: string | undefined): Promise<StreamTokenClaims> {
    if (token === undefined || token === '') throw new StreamTokenError('missing');
    try {
      return await verifyStreamToken(token, await this.keyring.current(), this.now());
    } catch (error) {
      if (!(error instanceof StreamTokenError) || error.reason !== 'unknown-key') throw error;
      // Auth may have rotated in a key we have not seen yet: fetch the key set once and retry.
      const refreshed = await this.keyring.refreshForUnknownKey();
      if (!refreshed) throw error;
      return verifyStreamToken(token, refreshed, this.now());
    }
  }

  private now(): Date {
    return new Date(this.clock.nowMs());
  }
}
