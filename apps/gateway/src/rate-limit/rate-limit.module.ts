import { Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter';

/** Budgets shared by every replica through NATS KV. */
@Module({ providers: [RateLimiter, RateLimitGuard], exports: [RateLimitGuard] })
export class RateLimitModule {}
