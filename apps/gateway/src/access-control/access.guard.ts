import { ErrorCode } from '@callfleet/contracts';
import { AppException, requireRole } from '@callfleet/platform';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isApiRequest } from '../api-prefix';
import { isPublic, requiredRoles } from './access.decorators';

/**
 * Last of the global guards: a protected route needs a principal (else the recorded refusal or
 * MISSING_CREDENTIALS, 401), and one of the route's @Roles if it names any (else 403).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isApiRequest(request) || isPublic(this.reflector, context)) return true;
    const principal = request.principal;
    if (!principal) {
      throw (
        request.authenticationFailure ??
        new AppException(ErrorCode.MISSING_CREDENTIALS, 'Authentication required: send a Bearer token or X-API-Key')
      );
    }
    const roles = requiredRoles(this.reflector, context);
    if (roles.length > 0) requireRole(principal, roles);
    return true;
  }
}
