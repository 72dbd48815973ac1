import { Module } from '@nestjs/common';
import { EdgeModule } from '../edge/edge.module';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter';

/** Budgets shared by every replica through NATS KV. */
@Module({ imports: [EdgeModule], providers: [RateLimiter, RateLimitGuard], exports: [RateLimitGuard] })
export class RateLimitModule {}
