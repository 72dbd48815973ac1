import { ErrorCode } from '@callfleet/contracts';
import { AppException, mostRestrictive } from '@callfleet/platform';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiRequest } from '../api-prefix';
import { budgetsOf, chargeUntilRefused, emailOfBody, refreshTokenHashOfBody, routePolicy } from './rate-limit.policies';
import { RateLimiter } from './rate-limiter';

/**
 * Second global guard: every API call draws on its org's budget (authenticated) or its IP's
 * (anonymous, including failed authentication), then on the route's own budget (@RateLimit); a
 * refresh draws on its token's budget only (see budgetsOf). A refused budget stops the count.
 * The tightest budget is reported in X-RateLimit-Limit / -Remaining / -Reset (epoch seconds), and
 * a refusal is 429 RATE_LIMIT_EXCEEDED with Retry-After.
 *
 * When the shared store is unreachable, reads (GET/HEAD) fail open: refusing every read because
 * NATS KV hiccups would turn a limiter outage into an API outage, and reads are cheap to serve.
 * Everything else fails closed (503): writes include login, register and password reset, exactly
 * what an attacker would hammer while the limiter is down.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!isApiRequest(request)) return true;
    const caller = {
      // TRUSTED_PROXY_HOPS decides what request.ip believes (the platform's trustProxy).
      ip: request.ip,
      orgId: request.principal?.orgId,
      email: emailOfBody(request.body),
      refreshTokenHash: refreshTokenHashOfBody(request.body),
    };
    const route = routePolicy(this.reflector, context);
    const policies = budgetsOf(request.principal !== undefined, route);
    const failOpen = request.method === 'GET' || request.method === 'HEAD';
    const decisions = await chargeUntilRefused(policies, (policy) =>
      this.limiter.consume(policy, route, caller, failOpen),
    );
    const shown = mostRestrictive(decisions);
    if (!shown) return true;
    const reply = http.getResponse<FastifyReply>();
    void reply
      .header('x-ratelimit-limit', String(shown.limit))
      .header('x-ratelimit-remaining', String(shown.remaining))
      .header('x-ratelimit-reset', String(Math.ceil(shown.resetAtMs / 1000)));
    if (!shown.allowed) {
      void reply.header('retry-after', String(shown.retryAfterSeconds));
      throw new AppException(ErrorCode.RATE_LIMIT_EXCEEDED, 'Too many requests; retry later', {
        retryAfterSeconds: shown.retryAfterSeconds,
      });
    }
    return true;
  }
}
