import { createHash } from 'node:crypto';
import { parseRateLimitRule, type RateLimitDecision, type RateLimitRule } from '@callfleet/platform';
import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { GatewayConfig } from '../gateway.config';

/** The budgets a route can draw on. `api` and `anonymous` apply to every API call; the others per route. */
export const RateLimitPolicy = {
  LOGIN: 'login',
  REGISTER: 'register',
  VERIFY_EMAIL: 'verify-email',
  VERIFY_EMAIL_RESEND: 'verify-email-resend',
  PASSWORD_RESET: 'password-reset',
  REFRESH: 'refresh',
  API: 'api',
  ANONYMOUS: 'anonymous',
} as const;
export type RateLimitPolicy = (typeof RateLimitPolicy)[keyof typeof RateLimitPolicy];

/** What a budget is counted per. */
export type RateLimitSubject = 'email+ip' | 'email' | 'ip' | 'org' | 'refresh-token';

export interface RateLimitPolicySpec {
  rule: RateLimitRule;
  per: RateLimitSubject;
}

export function rateLimitPolicies(config: GatewayConfig): Record<RateLimitPolicy, RateLimitPolicySpec> {
  return {
    login: { rule: parseRateLimitRule(config.RATE_LIMIT_LOGIN), per: 'email+ip' },
    register: { rule: parseRateLimitRule(config.RATE_LIMIT_REGISTER), per: 'ip' },
    'verify-email': { rule: parseRateLimitRule(config.RATE_LIMIT_VERIFY_EMAIL), per: 'email' },
    'verify-email-resend': { rule: parseRateLimitRule(config.RATE_LIMIT_VERIFY_EMAIL_RESEND), per: 'email' },
    'password-reset': { rule: parseRateLimitRule(config.RATE_LIMIT_PASSWORD_RESET), per: 'email' },
    refresh: { rule: parseRateLimitRule(config.RATE_LIMIT_REFRESH), per: 'refresh-token' },
    api: { rule: parseRateLimitRule(config.RATE_LIMIT_API), per: 'org' },
    anonymous: { rule: parseRateLimitRule(config.RATE_LIMIT_ANONYMOUS), per: 'ip' },
  };
}

/** What is known about a caller when its budgets are counted. */
export interface CallerFacts {
  ip: string;
  /** The email a credential route is about (from the body, normalized), if any. */
  email?: string;
  orgId?: string;
  /** SHA-256 of the refresh token the body presents, if any: budgets and their store never see the token. */
  refreshTokenHash?: string;
}

/** The identity a budget is counted under; the policy name keeps equal values of different kinds apart. */
export function rateLimitSubject(per: RateLimitSubject, caller: CallerFacts): string {
  const email = caller.email ?? '';
  switch (per) {
    case 'email+ip':
      return `email:${email}|ip:${caller.ip}`;
    case 'email':
      return `email:${email}`;
    case 'ip':
      return `ip:${caller.ip}`;
    case 'org':
      return `org:${caller.orgId ?? ''}`;
    case 'refresh-token':
      return `refresh-token:${caller.refreshTokenHash ?? ''}`;
  }
}

/** The email a body names, normalized the way the DTOs normalize it, so `A@x.com ` and `a@x.com` share a budget. */
export function emailOfBody(body: unknown): string | undefined {
  const email = (body as { email?: unknown } | null | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : undefined;
}

/** The hash a refresh token is counted under (the token itself is a credential: it is never stored). */
export function refreshTokenHashOfBody(body: unknown): string | undefined {
  const token = (body as { refreshToken?: unknown } | null | undefined)?.refreshToken;
  return typeof token === 'string' ? createHash('sha256').update(token).digest('base64url') : undefined;
}

/**
 * Route budgets that stand instead of the general one. A refresh is already bounded per session by
 * its token; counting it per IP too refused every browser of an office behind one NAT address.
 */
const REPLACES_GENERAL_BUDGET: ReadonlySet<RateLimitPolicy> = new Set([RateLimitPolicy.REFRESH]);

/** The budgets a call draws on, the general one (per org or per anonymous IP) first. */
export function budgetsOf(authenticated: boolean, route: RateLimitPolicy | undefined): RateLimitPolicy[] {
  if (route && REPLACES_GENERAL_BUDGET.has(route)) return [route];
  const general = authenticated ? RateLimitPolicy.API : RateLimitPolicy.ANONYMOUS;
  return route ? [general, route] : [general];
}

/**
 * Routes where auth computes an argon2 hash for whoever asks (a login checks one even for an unknown
 * email; a registration hashes the new password). Their calls draw on the per-IP anonymous budget
 * exactly, with a compare-and-set per request, before anything reaches auth: the batched tally other
 * calls use lets every replica admit a full budget before they hear of each other, which would let
 * one address cost `replicas × budget` hashes. The route's own budget does not bound this: a login
 * counts per email and IP, and an attacker picks a new email for every try.
 */
const HASHING_ROUTES: ReadonlySet<RateLimitPolicy> = new Set([RateLimitPolicy.LOGIN, RateLimitPolicy.REGISTER]);

/** Hot general budgets are tallied per replica and shared in batches, except on routes that hash. */
export function countsInBatches(policy: RateLimitPolicy, route: RateLimitPolicy | undefined): boolean {
  if (policy === RateLimitPolicy.API) return true;
  return policy === RateLimitPolicy.ANONYMOUS && !(route && HASHING_ROUTES.has(route));
}

/**
 * Charges the budgets one after another and stops at the first refusal, so a refused call is not
 * counted against the budgets after it. Undefined decisions (store down, failing open) do not stop.
 */
export async function chargeUntilRefused(
  policies: RateLimitPolicy[],
  charge: (policy: RateLimitPolicy) => Promise<RateLimitDecision | undefined>,
): Promise<RateLimitDecision[]> {
  const decisions: RateLimitDecision[] = [];
  for (const policy of policies) {
    const decision = await charge(policy);
    if (!decision) continue;
    decisions.push(decision);
    if (!decision.allowed) break;
  }
  return decisions;
}

const ROUTE_POLICY = Symbol('callfleet:rate-limit');

/** Draws on a route-specific budget, on top of the general one every API call draws on (refresh: instead of it). */
export const RateLimit = (policy: Exclude<RateLimitPolicy, 'api' | 'anonymous'>) => SetMetadata(ROUTE_POLICY, policy);

export function routePolicy(reflector: Reflector, context: ExecutionContext): RateLimitPolicy | undefined {
  return reflector.get<RateLimitPolicy | undefined>(ROUTE_POLICY, context.getHandler());
}
