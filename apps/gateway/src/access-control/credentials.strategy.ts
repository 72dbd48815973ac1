import { type CallerAuthenticator, type Principal, readCredentials } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy as CustomStrategy } from 'passport-custom';
import './request-principal';

export const CREDENTIALS_STRATEGY = 'callfleet-credentials';

/** What AuthenticationGuard hands the strategy with each request. */
export interface CredentialsAuthenticateOptions {
  session: false;
  authenticator: CallerAuthenticator;
}

/**
 * Bearer access token or API key → Principal; no credentials → Passport "fail". Passport keeps
 * strategies in one process-wide registry, where a second gateway app in the process (the e2e tests
 * run two) replaces the first one's instance. The strategy therefore holds no state: the app's own
 * CallerAuthenticator comes with each request in the authenticate options its AuthenticationGuard passes.
 */
@Injectable()
export class CredentialsStrategy extends PassportStrategy(CustomStrategy, CREDENTIALS_STRATEGY) {
  constructor() {
    super({ passOptionsToCallback: true });
  }

  async validate(request: FastifyRequest, options: CredentialsAuthenticateOptions): Promise<Principal | null> {
    return (await options.authenticator.authenticate(readCredentials(request.headers))) ?? null;
  }
}
