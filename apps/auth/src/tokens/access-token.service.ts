import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TTL_SECONDS,
  type AccessTokenClaims,
  type Role,
} from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
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

/** Signs access tokens (EdDSA, `kid` in the header) and verifies them against every published key. */
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

  /**
   * The claims of a token this service signed, or null. Only EdDSA with a known kid, our issuer and
   * audience, and an unexpired `exp` pass (the gateway applies the same rules with the JWKS).
   */
  async verify(token: string, now = new Date()): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = this.keys.find(header.kid);
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key.publicKey;
        },
        {
          algorithms: [JWT_ALG],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          currentDate: now,
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        },
      );
      return payload as unknown as AccessTokenClaims;
    } catch {
      return null;
    }
  }
}
