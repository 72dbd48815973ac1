import type { AppException, Principal } from '@callfleet/platform';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by AuthenticationGuard when the credentials check out. */
    principal?: Principal;
    /** Why the presented credentials were refused; answered once the route turns out to need them. */
    authenticationFailure?: AppException;
  }
}
