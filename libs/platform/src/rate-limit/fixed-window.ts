import { createHash } from 'node:crypto';

/** At most `limit` requests per window of `windowMs`. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in this window after this one. */
  remaining: number;
  /** When the window ends (epoch ms); every replica computes the same boundary. */
  resetAtMs: number;
  /** Whole seconds until a retry can succeed; set only when refused. */
  retryAfterSeconds?: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Parses `6/15m` (limit per window of seconds, minutes or hours). */
export function parseRateLimitRule(spec: string): RateLimitRule {
  const match = /^(\d+)\/(\d+)([smh])$/.exec(spec.trim());
  if (!match) throw new Error(`invalid rate limit "${spec}": expected e.g. 6/15m`);
  const windowMs = Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS];
  if (windowMs <= 0) throw new Error(`invalid rate limit "${spec}": the window must be longer than zero`);
  return { limit: Number(match[1]), windowMs };
}

/**
 * Windows are aligned to the epoch rather than to a client's first request, so every replica agrees
 * on the current window (and its counter key) without talking to the others.
 */
export function windowAt(nowMs: number, windowMs: number): { index: number; resetAtMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, resetAtMs: (index + 1) * windowMs };
}

/** Decides a request given how many were already counted in the current window. */
export function decide(rule: RateLimitRule, countedBefore: number, nowMs: number): RateLimitDecision {
  const { resetAtMs } = windowAt(nowMs, rule.windowMs);
  const allowed = countedBefore < rule.limit;
  const counted = allowed ? countedBefore + 1 : countedBefore;
  const decision: RateLimitDecision = {
    allowed,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - counted),
    resetAtMs,
  };
  if (!allowed) decision.retryAfterSeconds = Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000));
  return decision;
}

/**
 * The KV key of one counter. The subject (an email, an IP, an org id) is hashed: KV keys allow only
 * a few characters, and the bucket should not be a list of who tried to log in.
 */
export function counterKey(policy: string, subject: string, windowIndex: number): string {
  const digest = createHash('sha256').update(subject).digest('hex').slice(0, 32);
  return `${policy}.${digest}.${windowIndex}`;
}

/** Of several decisions for one request, the one the client should see (refused first, then least left). */
export function mostRestrictive(decisions: RateLimitDecision[]): RateLimitDecision | undefined {
  return [...decisions].sort((a, b) => {
    if (a.allowed !== b.allowed) return a.allowed ? 1 : -1;
    if (!a.allowed) return (b.retryAfterSeconds ?? 0) - (a.retryAfterSeconds ?? 0);
    return a.remaining - b.remaining;
  })[0];
}
