import { ErrorCode, ROLES, Role } from '@callfleet/contracts';
import { AppException, RequestContext } from '@callfleet/platform';

/** Who is asking, as the gateway stated it in the x-org-id / x-user-id / x-roles headers. */
export interface Caller {
  userId: string;
  orgId: string;
  roles: Role[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Higher rank, more power; a caller can grant at most its own rank. */
const RANK: Readonly<Record<Role, number>> = { owner: 3, admin: 2, agent: 1, viewer: 0 };

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * The caller's user id alone (logout needs no org). Ids are checked to be UUIDs here, so a hostile
 * header is an UNAUTHORIZED answer instead of a database error.
 */
export function currentUserId(): string {
  const userId = RequestContext.current()?.userId;
  if (!userId || !UUID.test(userId)) throw new AppException(ErrorCode.UNAUTHORIZED, 'No authenticated user');
  return userId;
}

export function currentCaller(): Caller {
  const userId = currentUserId();
  const ctx = RequestContext.current();
  const orgId = ctx?.orgId;
  if (!orgId || !UUID.test(orgId)) throw new AppException(ErrorCode.UNAUTHORIZED, 'No organization in the request');
  return { userId, orgId, roles: (ctx?.roles ?? []).filter(isRole) };
}

/** Throws INSUFFICIENT_PERMISSIONS unless the caller holds one of `allowed`. */
export function requireRole(caller: Caller, allowed: readonly Role[]): void {
  if (!caller.roles.some((r) => allowed.includes(r))) {
    throw new AppException(ErrorCode.INSUFFICIENT_PERMISSIONS, `Requires one of the roles: ${allowed.join(', ')}`);
  }
}

/** Refuses handing out a role above the caller's own (an admin cannot mint an owner). */
export function requireCanGrant(caller: Caller, role: Role): void {
  const own = Math.max(-1, ...caller.roles.map((r) => RANK[r]));
  if (RANK[role] > own) {
    throw new AppException(ErrorCode.INSUFFICIENT_PERMISSIONS, `Cannot grant the role ${role}`);
  }
}

/** The weaker of two roles: what a delegated credential may do when its holder's role has changed. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

export const MANAGER_ROLES: readonly Role[] = [Role.OWNER, Role.ADMIN];
