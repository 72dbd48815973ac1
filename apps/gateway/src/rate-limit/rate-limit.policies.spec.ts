import { loadConfig, type RateLimitDecision } from '@callfleet/platform';
import { GatewayConfig } from '../gateway.config';
import {
  budgetsOf,
  chargeUntilRefused,
  countsInBatches,
  emailOfBody,
  type RateLimitPolicy,
  rateLimitPolicies,
  rateLimitSubject,
  refreshTokenHashOfBody,
} from './rate-limit.policies';

describe('rate limit policies', () => {
  it('has the documented defaults', () => {
    const policies = rateLimitPolicies(loadConfig('gateway', GatewayConfig, {}));
    expect(policies.login).toEqual({ rule: { limit: 6, windowMs: 15 * 60_000 }, per: 'email+ip' });
    expect(policies.register).toEqual({ rule: { limit: 5, windowMs: 15 * 60_000 }, per: 'ip' });
    expect(policies['verify-email']).toEqual({ rule: { limit: 5, windowMs: 5 * 60_000 }, per: 'email' });
    expect(policies['verify-email-resend']).toEqual({ rule: { limit: 3, windowMs: 2 * 60_000 }, per: 'email' });
    expect(policies.api).toEqual({ rule: { limit: 6000, windowMs: 10 * 60_000 }, per: 'org' });
    expect(policies.anonymous).toEqual({ rule: { limit: 100, windowMs: 15 * 60_000 }, per: 'ip' });
    expect(policies.refresh).toEqual({ rule: { limit: 30, windowMs: 15 * 60_000 }, per: 'refresh-token' });
  });

  it('takes every limit from the environment and names a malformed one', () => {
    const config = loadConfig('gateway', GatewayConfig, { RATE_LIMIT_LOGIN: '3/1m' });
    expect(rateLimitPolicies(config).login.rule).toEqual({ limit: 3, windowMs: 60_000 });
    expect(() => loadConfig('gateway', GatewayConfig, { RATE_LIMIT_API: 'lots' })).toThrow(/RATE_LIMIT_API/);
  });

  it('counts one email the same however it is written, and keeps IPs apart', () => {
    const a = rateLimitSubject('email+ip', { ip: '10.0.0.1', email: emailOfBody({ email: ' Ada@Example.com ' }) });
    const b = rateLimitSubject('email+ip', { ip: '10.0.0.1', email: emailOfBody({ email: 'ada@example.com' }) });
    const c = rateLimitSubject('email+ip', { ip: '10.0.0.2', email: 'ada@example.com' });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('reads no email from bodies without one', () => {
    expect(emailOfBody(undefined)).toBeUndefined();
    expect(emailOfBody('text')).toBeUndefined();
    expect(emailOfBody({ email: 42 })).toBeUndefined();
  });

  it('counts a refresh per token under its hash, never the token itself', () => {
    const token = 'rt_0123456789abcdefghijklmnop';
    const subject = rateLimitSubject('refresh-token', {
      ip: '10.0.0.1',
      refreshTokenHash: refreshTokenHashOfBody({ refreshToken: token }),
    });
    expect(subject).not.toContain(token);
    const sameTokenOtherIp = rateLimitSubject('refresh-token', {
      ip: '10.0.0.2',
      refreshTokenHash: refreshTokenHashOfBody({ refreshToken: token }),
    });
    expect(sameTokenOtherIp).toBe(subject);
    const otherToken = rateLimitSubject('refresh-token', {
      ip: '10.0.0.1',
      refreshTokenHash: refreshTokenHashOfBody({ refreshToken: `${token}x` }),
    });
    expect(otherToken).not.toBe(subject);
    expect(refreshTokenHashOfBody({ refreshToken: 42 })).toBeUndefined();
  });

  it('lets a refresh draw on its own budget instead of the anonymous one; other routes draw on both, general first', () => {
    expect(budgetsOf(false, 'refresh')).toEqual(['refresh']);
    expect(budgetsOf(true, 'refresh')).toEqual(['refresh']);
    expect(budgetsOf(false, 'login')).toEqual(['anonymous', 'login']);
    expect(budgetsOf(false, undefined)).toEqual(['anonymous']);
    expect(budgetsOf(true, undefined)).toEqual(['api']);
  });
});

describe('countsInBatches', () => {
  it('tallies the hot general budgets in batches, but counts an address exactly on routes that hash a password', () => {
    expect(countsInBatches('api', undefined)).toBe(true);
    expect(countsInBatches('anonymous', undefined)).toBe(true);
    expect(countsInBatches('anonymous', 'verify-email')).toBe(true);
    expect(countsInBatches('anonymous', 'login')).toBe(false);
    expect(countsInBatches('anonymous', 'register')).toBe(false);
    expect(countsInBatches('login', 'login')).toBe(false);
    expect(countsInBatches('password-reset', 'password-reset')).toBe(false);
  });
});

describe('chargeUntilRefused', () => {
  const decision = (allowed: boolean): RateLimitDecision => ({
    allowed,
    limit: 10,
    remaining: allowed ? 5 : 0,
    resetAtMs: 0,
    ...(allowed ? {} : { retryAfterSeconds: 60 }),
  });

  it('does not charge the route budget when the general budget refuses', async () => {
    const charged: RateLimitPolicy[] = [];
    const decisions = await chargeUntilRefused(['anonymous', 'login'], async (policy) => {
      charged.push(policy);
      return decision(policy !== 'anonymous');
    });
    expect(charged).toEqual(['anonymous']);
    expect(decisions).toEqual([decision(false)]);
  });

  it('charges every budget while they allow, and skips a store that failed open', async () => {
    const charged: RateLimitPolicy[] = [];
    const decisions = await chargeUntilRefused(['anonymous', 'login'], async (policy) => {
      charged.push(policy);
      return policy === 'anonymous' ? undefined : decision(true);
    });
    expect(charged).toEqual(['anonymous', 'login']);
    expect(decisions).toEqual([decision(true)]);
  });
});
