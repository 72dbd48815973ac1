import { ErrorCode, Role } from '@callfleet/contracts';
import { AppException, type Caller } from '@callfleet/platform';

/** Higher rank, more power; a caller can grant at most its own rank. */
const RANK: Readonly<Record<Role, number>> = { owner: 3, admin: 2, agent: 1, viewer: 0 };

/** Refuses handing out a role above the caller's own (an admin cannot mint an owner). */
export function requireCanGrant(caller: Pick<Caller, 'roles'>, role: Role): void {
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
