import { MANAGER_ROLES, type OrgCaller, requireRole } from '@callfleet/platform';

/**
 * The org whose provider accounts the caller manages. The gateway already allows only admins;
 * checking again here keeps a direct NATS caller (another service, a script) to the same rule.
 */
export function managingOrgId(caller: OrgCaller): string {
  requireRole(caller, MANAGER_ROLES);
  return caller.orgId;
}
