import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TTL_SECONDS,
  type AccessTokenClaims,
  type Role,
} from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { JWT_ALG, SigningKeySet } from './signing-keys';

export interface AccessTokenSubject {
  userId: string;
  orgId: string;
  roles: Role[];
}

export interface SignedAccessToken {
  token: string;
  claims: AccessTokenClaims;
}

/**
 * Signs access tokens (EdDSA, `kid` in the header). Verifying them is the verifiers' business
 * (`verifyAccessToken` in @callfleet/platform, against the published keys).
 */
@Injectable()
export class AccessTokenService {
  constructor(private readonly keys: SigningKeySet) {}

  async sign(subject: AccessTokenSubject, now = new Date()): Promise<SignedAccessToken> {
    const key = this.keys.current;
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = {
      sub: subject.userId,
      org: subject.orgId,
      roles: subject.roles,
      jti: randomUUID(),
      iat,
      exp: iat + ACCESS_TOKEN_TTL_SECONDS,
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: JWT_ALG, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
    return { token, claims };
  }
}
