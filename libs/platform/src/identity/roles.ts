import { ErrorCode, Role } from '@callfleet/contracts';
import { AppException } from '../errors/app.exception';

/** The roles that manage an organization: its members, API keys and provider accounts. */
export const MANAGER_ROLES: readonly Role[] = [Role.OWNER, Role.ADMIN];

/** Higher rank, more power; a caller can grant at most its own rank. */
const RANK: Readonly<Record<Role, number>> = { owner: 3, admin: 2, agent: 1, viewer: 0 };

/** Throws INSUFFICIENT_PERMISSIONS unless the caller holds one of `allowed`. */
export function requireRole(caller: { roles: readonly Role[] }, allowed: readonly Role[]): void {
  if (!caller.roles.some((r) => allowed.includes(r))) {
    throw new AppException(ErrorCode.INSUFFICIENT_PERMISSIONS, `Requires one of the roles: ${allowed.join(', ')}`);
  }
}

/** Refuses handing out a role above the caller's own (an admin cannot mint an owner). */
export function requireCanGrant(caller: { roles: readonly Role[] }, role: Role): void {
  const own = Math.max(-1, ...caller.roles.map((r) => RANK[r]));
  if (RANK[role] > own) {
    throw new AppException(ErrorCode.INSUFFICIENT_PERMISSIONS, `Cannot grant the role ${role}`);
  }
}

/** The weaker of two roles: what a delegated credential may do when its holder's role has changed. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}
