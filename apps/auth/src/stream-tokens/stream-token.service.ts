import { randomUUID } from 'node:crypto';
import {
  type IssueStreamTokenDto,
  STREAM_TOKEN_AUDIENCE,
  STREAM_TOKEN_ISSUER,
  STREAM_TOKEN_MAX_TTL_SECONDS,
  STREAM_TOKEN_TYPE,
  type StreamTokenDto,
} from '@callfleet/contracts';
import { Clock } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { JWT_ALG, SigningKeySet } from '../tokens/signing-keys';

/**
 * Signs stream tokens with the access tokens' keys, so media-stream verifies them with the JWKS it
 * already fetches; the `typ` header and the audience keep the two kinds of token apart.
 */
@Injectable()
export class StreamTokenService {
  constructor(
    private readonly keys: SigningKeySet,
    private readonly clock: Clock,
  ) {}

  async issue(dto: IssueStreamTokenDto): Promise<StreamTokenDto> {
    const key = this.keys.current;
    const iat = Math.floor(this.clock.nowMs() / 1000);
    const exp = iat + Math.min(dto.ttlSeconds ?? STREAM_TOKEN_MAX_TTL_SECONDS, STREAM_TOKEN_MAX_TTL_SECONDS);
    const token = await new SignJWT({
      org: dto.orgId,
      provider: dto.provider,
      ...(dto.line === undefined ? {} : { line: dto.line }),
    })
      .setProtectedHeader({ alg: JWT_ALG, kid: key.kid, typ: STREAM_TOKEN_TYPE })
      .setIssuer(STREAM_TOKEN_ISSUER)
      .setAudience(STREAM_TOKEN_AUDIENCE)
      .setSubject(dto.callId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }
}
