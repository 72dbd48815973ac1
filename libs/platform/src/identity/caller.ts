import { ErrorCode, ROLES, type Role } from '@callfleet/contracts';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestContextData } from '../context/request-context';
import { AppException } from '../errors/app.exception';
import type { NatsRpcContext } from '../nats/nats-rpc.server';

/**
 * Who is asking, as the gateway (or a calling service) stated it in the x-org-id / x-user-id /
 * x-roles headers, with the request id. Ids are checked to be UUIDs, so a hostile header is an
 * UNAUTHORIZED answer instead of a database error; unknown roles are dropped.
 */
export interface Caller {
  requestId: string;
  userId: string;
  orgId: string;
  roles: Role[];
}

/** A caller acting for an organization, with or without a user (another service, a script). */
export type OrgCaller = Omit<Caller, 'userId'> & { userId?: string };
/** A caller that is a user, whatever the organization (logout). */
export type UserCaller = Omit<Caller, 'orgId'> & { orgId?: string };

/** What a handler needs to know of its caller: a user of an org (the default), an org, or a user. */
export type CallerNeed = 'member' | 'org' | 'user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

function uuidOrUndefined(value: string | undefined): string | undefined {
  return value && UUID.test(value) ? value : undefined;
}

/** The caller of one request, from the context its headers gave; UNAUTHORIZED when `need` is not met. */
export function callerOf(context: RequestContextData, need?: 'member'): Caller;
export function callerOf(context: RequestContextData, need: 'org'): OrgCaller;
export function callerOf(context: RequestContextData, need: 'user'): UserCaller;
export function callerOf(context: RequestContextData, need: CallerNeed = 'member'): Caller | OrgCaller | UserCaller {
  const userId = uuidOrUndefined(context.userId);
  const orgId = uuidOrUndefined(context.orgId);
  if (need !== 'org' && !userId) throw new AppException(ErrorCode.UNAUTHORIZED, 'No authenticated user');
  if (need !== 'user' && !orgId) throw new AppException(ErrorCode.UNAUTHORIZED, 'No organization in the request');
  return {
    requestId: context.requestId,
    ...(userId ? { userId } : {}),
    ...(orgId ? { orgId } : {}),
    roles: (context.roles ?? []).filter(isRole),
  } as Caller;
}

/**
 * The caller of a NATS command as a handler parameter: `me(@Caller() caller: Caller)`,
 * `@Caller('org') caller: OrgCaller`, `@Caller('user') caller: UserCaller`. Read from the message's
 * own headers, so a handler never depends on ambient state for tenancy.
 */
export const Caller = createParamDecorator((need: CallerNeed | undefined, host: ExecutionContext) => {
  const rpc = host.switchToRpc().getContext<NatsRpcContext>();
  return callerOf(rpc.getRequestContext(), need as 'member');
});
