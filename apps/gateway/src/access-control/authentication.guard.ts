import {
  AppException,
  CallerAuthenticator,
  contextIdentityOf,
  type Principal,
  RequestContext,
} from '@callfleet/platform';
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { isApiRequest } from '../api-prefix';
import { EventTickets } from '../live-events/event-tickets';
import { acceptsTicket, isPublic } from './access.decorators';
import { CREDENTIALS_STRATEGY, type CredentialsAuthenticateOptions } from './credentials.strategy';
import './request-principal';

/**
 * First of the three global guards (authentication → rate limit → access), Nest's AuthGuard on the
 * credentials strategy. It only finds out who is calling: a refusal is recorded, not thrown, so that
 * failed attempts are rate limited as anonymous calls before AccessGuard answers them with 401.
 * The verified identity goes into the RequestContext, from which NatsRpcClient sets x-org-id,
 * x-user-id and x-roles on every downstream call; headers a client sends are never forwarded.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(CREDENTIALS_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: CallerAuthenticator,
    private readonly tickets: EventTickets,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isApiRequest(request) || isPublic(this.reflector, context)) return true;
    await super.canActivate(context);
    if (!request.principal && !request.authenticationFailure && acceptsTicket(this.reflector, context)) {
      await this.redeemTicket(request);
    }
    const principal = request.principal;
    if (principal) {
      RequestContext.assign(contextIdentityOf(principal));
    }
    return true;
  }

  /** `?ticket=` on a route that takes one: the principal it was issued to, or the refusal (401 later). */
  private async redeemTicket(request: FastifyRequest): Promise<void> {
    const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
    if (typeof ticket !== 'string') return;
    try {
      request.principal = await this.tickets.redeem(ticket);
    } catch (error) {
      if (!(error instanceof AppException)) throw error;
      request.authenticationFailure = error;
    }
  }

  override getAuthenticateOptions(): CredentialsAuthenticateOptions & { property: string } {
    return { session: false, authenticator: this.authenticator, property: 'principal' };
  }

  /** Passport's answer: the principal, nothing (no credentials), or the refusal to answer later. */
  override handleRequest<TUser = Principal>(
    error: unknown,
    principal: Principal | false | null,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error) {
      if (!(error instanceof AppException)) throw error;
      context.switchToHttp().getRequest<FastifyRequest>().authenticationFailure = error;
    }
    return (principal || undefined) as TUser;
  }
}
