import { ErrorCode, Role } from '@callfleet/contracts';
import { AppException, RequestContext } from '@callfleet/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MANAGERS: readonly string[] = [Role.OWNER, Role.ADMIN];

/**
 * The org whose provider accounts the caller manages, from the fleet headers the gateway set. The
 * gateway already allows only admins; checking again here keeps a direct NATS caller (another
 * service, a script) to the same rule.
 */
export function managingOrgId(): string {
  const ctx = RequestContext.current();
  if (!ctx?.orgId || !UUID.test(ctx.orgId)) {
    throw new AppException(ErrorCode.UNAUTHORIZED, 'No organization in the request');
  }
  if (!(ctx.roles ?? []).some((role) => MANAGERS.includes(role))) {
    throw new AppException(ErrorCode.INSUFFICIENT_PERMISSIONS, 'Requires one of the roles: owner, admin');
  }
  return ctx.orgId;
}
