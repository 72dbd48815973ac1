import { ErrorCode, ROLES, type Role } from '@callfleet/contracts';
import { RequestContext } from '../context/request-context';
import { AppException } from '../errors/app.exception';

/**
 * Who is asking, as the gateway (or a calling service) stated it in the x-org-id / x-user-id /
 * x-roles headers. Ids are checked to be UUIDs here, so a hostile header is an UNAUTHORIZED answer
 * instead of a database error; unknown roles are dropped.
 */
export interface Caller {
  userId: string;
  orgId: string;
  roles: Role[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The caller's user id alone (e.g. logout needs no org). */
export function currentUserId(): string {
  const userId = RequestContext.current()?.userId;
  if (!userId || !UUID.test(userId)) throw new AppException(ErrorCode.UNAUTHORIZED, 'No authenticated user');
  return userId;
}

/** The caller's organization alone (a service acting for an org, with no user). */
export function currentOrgId(): string {
  const orgId = RequestContext.current()?.orgId;
  if (!orgId || !UUID.test(orgId)) throw new AppException(ErrorCode.UNAUTHORIZED, 'No organization in the request');
  return orgId;
}

export function currentRoles(): Role[] {
  return (RequestContext.current()?.roles ?? []).filter(isRole);
}

export function currentCaller(): Caller {
  return { userId: currentUserId(), orgId: currentOrgId(), roles: currentRoles() };
}
