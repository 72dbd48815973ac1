import type { PrincipalDto } from '@callfleet/contracts';
import type { RequestContextData } from '../context/request-context';

/** Who is calling, once their credentials were verified. */
export type Principal =
  /** A user with an access token; `jti`/`exp` identify the token for logout. */
  (PrincipalDto & { kind: 'user'; jti: string; exp: number }) | (PrincipalDto & { kind: 'api-key'; apiKeyId: string });

/**
 * The identity a verified principal gives a request's context: what the gateway puts in the fleet
 * headers of its downstream calls, and what a team's NATS request is handled with.
 */
export function contextIdentityOf(
  principal: Principal,
): Required<Pick<RequestContextData, 'orgId' | 'userId' | 'roles'>> {
  return { orgId: principal.orgId, userId: principal.userId, roles: [...principal.roles] };
}
