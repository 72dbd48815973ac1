import { Role } from '@callfleet/contracts';
import { currentOrgId, currentRoles, requireRole } from '@callfleet/platform';

const MANAGERS = [Role.OWNER, Role.ADMIN];

/**
 * The org whose provider accounts the caller manages, from the fleet headers the gateway set. The
 * gateway already allows only admins; checking again here keeps a direct NATS caller (another
 * service, a script) to the same rule.
 */
export function managingOrgId(): string {
  const orgId = currentOrgId();
  requireRole({ roles: currentRoles() }, MANAGERS);
  return orgId;
}
