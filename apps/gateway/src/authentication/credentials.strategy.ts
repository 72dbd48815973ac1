import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import { Authenticator } from './authenticator';
import type { Principal } from './principal';

export const CREDENTIALS_STRATEGY = 'callfleet-credentials';

/**
 * Passport keeps strategies in a registry by name. The process-wide one would be shared by every
 * gateway app in the process (the e2e test runs two), and the last one created would authenticate
 * for all of them, so each strategy registers with a Passport instance of its own.
 */
const passports = new WeakMap<object, passport.Authenticator>();
function passportOf(strategy: object): passport.Authenticator {
  let instance = passports.get(strategy);
  if (!instance) {
    instance = new passport.Passport();
    passports.set(strategy, instance);
  }
  return instance;
}

/** Bearer access token or API key → Principal (see Authenticator); no credentials → Passport "fail". */
@Injectable()
export class CredentialsStrategy extends PassportStrategy(CustomStrategy, CREDENTIALS_STRATEGY) {
  constructor(private readonly authenticator: Authenticator) {
    super();
  }

  /** Called by @nestjs/passport while constructing, to register this strategy. */
  getPassportInstance(): passport.Authenticator {
    return passportOf(this);
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    return (await this.authenticator.authenticate(request)) ?? null;
  }

  /** Runs Passport on the request: the principal, null for no credentials, or the refusal thrown. */
  authenticateRequest(request: FastifyRequest, reply: unknown): Promise<Principal | null> {
    return new Promise((resolve, reject) => {
      const middleware = passportOf(this).authenticate(
        CREDENTIALS_STRATEGY,
        { session: false },
        (error: unknown, principal: Principal | false) => (error ? reject(error) : resolve(principal || null)),
      );
      middleware(request, reply, (error: unknown) => (error ? reject(error) : resolve(null)));
    });
  }
}
