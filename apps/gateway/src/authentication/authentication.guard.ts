import { AppException, RequestContext } from '@callfleet/platform';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiRequest } from '../api-prefix';
import { isPublic } from './access.decorators';
import { CredentialsStrategy } from './credentials.strategy';

/**
 * First of the three global guards (authentication → rate limit → access). It only finds out who
 * is calling: a refusal is recorded, not thrown, so that failed attempts are rate limited as
 * anonymous calls before AccessGuard answers them with 401.
 * The verified identity goes into the RequestContext, from which NatsRpcClient sets x-org-id,
 * x-user-id and x-roles on every downstream call; headers a client sends are never forwarded.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: CredentialsStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!isApiRequest(request) || isPublic(this.reflector, context)) return true;
    try {
      const principal = await this.strategy.authenticateRequest(request, http.getResponse<FastifyReply>());
      if (principal) {
        request.principal = principal;
        RequestContext.assign({ orgId: principal.orgId, userId: principal.userId, roles: principal.roles });
      }
    } catch (error) {
      if (!(error instanceof AppException)) throw error;
      request.authenticationFailure = error;
    }
    return true;
  }
}
