import { loadConfig } from '@callfleet/platform';
import { GatewayConfig } from '../gateway.config';
import { emailOfBody, rateLimitPolicies, rateLimitSubject } from './rate-limit.policies';

describe('rate limit policies', () => {
  it('has the documented defaults', () => {
    const policies = rateLimitPolicies(loadConfig('gateway', GatewayConfig, {}));
    expect(policies.login).toEqual({ rule: { limit: 6, windowMs: 15 * 60_000 }, per: 'email+ip' });
    expect(policies.register).toEqual({ rule: { limit: 5, windowMs: 15 * 60_000 }, per: 'ip' });
    expect(policies['verify-email']).toEqual({ rule: { limit: 5, windowMs: 5 * 60_000 }, per: 'email' });
    expect(policies['verify-email-resend']).toEqual({ rule: { limit: 3, windowMs: 2 * 60_000 }, per: 'email' });
    expect(policies.api).toEqual({ rule: { limit: 1000, windowMs: 60 * 60_000 }, per: 'org' });
    expect(policies.anonymous).toEqual({ rule: { limit: 100, windowMs: 15 * 60_000 }, per: 'ip' });
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
});
