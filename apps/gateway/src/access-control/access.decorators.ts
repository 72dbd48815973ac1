import type { Role } from '@callfleet/contracts';
import { MANAGER_ROLES } from '@callfleet/platform';
import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

const PUBLIC = Symbol('callfleet:public');
const ROLES = Symbol('callfleet:roles');
const TICKET = Symbol('callfleet:ticket');

/** The route needs no credentials (login, register, ...). Every other API route does. */
export const Public = () => SetMetadata(PUBLIC, true);

/** Only callers with one of these roles may use the route; others get 403 INSUFFICIENT_PERMISSIONS. */
export const Roles = (...roles: readonly Role[]) => SetMetadata(ROLES, roles);

/** Only the roles that manage the organization (its members, API keys, provider accounts). */
export const ManagersOnly = () => Roles(...MANAGER_ROLES);

/**
 * Besides the usual credentials the route takes `?ticket=` (POST /events/tickets), for browser APIs
 * that cannot send headers (EventSource). Header credentials win when both are sent.
 */
export const TicketAccepted = () => SetMetadata(TICKET, true);

export function acceptsTicket(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(TICKET, [context.getHandler(), context.getClass()]) === true;
}

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]) === true;
}

export function requiredRoles(reflector: Reflector, context: ExecutionContext): Role[] {
  return reflector.getAllAndOverride<Role[]>(ROLES, [context.getHandler(), context.getClass()]) ?? [];
}
