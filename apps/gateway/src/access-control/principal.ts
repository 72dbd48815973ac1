import type { PrincipalDto } from '@callfleet/contracts';
import type { AppException } from '@callfleet/platform';

/** Who is calling, once their credentials were verified. */
export type Principal =
  /** A user with an access token; `jti`/`exp` identify the token for logout. */
  (PrincipalDto & { kind: 'user'; jti: string; exp: number }) | (PrincipalDto & { kind: 'api-key'; apiKeyId: string });

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AuthenticationGuard when the credentials check out. */
    principal?: Principal;
    /** Why the presented credentials were refused; answered once the route turns out to need them. */
    authenticationFailure?: AppException;
  }
}
