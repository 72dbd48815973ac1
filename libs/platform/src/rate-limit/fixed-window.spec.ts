import { counterKey, decide, mostRestrictive, parseRateLimitRule, windowAt } from './fixed-window';

const MINUTE = 60_000;

describe('parseRateLimitRule', () => {
  it('reads limit per window in seconds, minutes or hours', () => {
    expect(parseRateLimitRule('6/15m')).toEqual({ limit: 6, windowMs: 15 * MINUTE });
    expect(parseRateLimitRule('1000/1h')).toEqual({ limit: 1000, windowMs: 60 * MINUTE });
    expect(parseRateLimitRule('3/120s')).toEqual({ limit: 3, windowMs: 2 * MINUTE });
  });

  it('refuses anything else, including an empty window', () => {
    for (const bad of ['6', '6/15', '6/15d', '-1/5m', 'six/5m', '5/0m']) {
      expect(() => parseRateLimitRule(bad)).toThrow(/rate limit/);
    }
  });
});

describe('windowAt', () => {
  it('aligns windows to the epoch, so every replica computes the same window and reset', () => {
    const start = 1_800_000_000_000 - (1_800_000_000_000 % (15 * MINUTE));
    expect(windowAt(start, 15 * MINUTE)).toEqual({ index: start / (15 * MINUTE), resetAtMs: start + 15 * MINUTE });
    expect(windowAt(start + 15 * MINUTE - 1, 15 * MINUTE).index).toBe(start / (15 * MINUTE));
    expect(windowAt(start + 15 * MINUTE, 15 * MINUTE).index).toBe(start / (15 * MINUTE) + 1);
  });
});

describe('decide', () => {
  const rule = { limit: 6, windowMs: 15 * MINUTE };
  const windowStart = 1_800_000_000_000 - (1_800_000_000_000 % rule.windowMs);

  it('allows up to the limit and counts down what is left', () => {
    expect(decide(rule, 0, windowStart)).toMatchObject({ allowed: true, remaining: 5, limit: 6 });
    expect(decide(rule, 5, windowStart)).toMatchObject({ allowed: true, remaining: 0 });
    expect(decide(rule, 0, windowStart).retryAfterSeconds).toBeUndefined();
  });

  it('refuses the request after the limit, with Retry-After up to the end of the window', () => {
    const now = windowStart + 10 * MINUTE;
    const refused = decide(rule, 6, now);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetAtMs: windowStart + rule.windowMs });
    expect(refused.retryAfterSeconds).toBe(5 * 60);
  });

  it('never tells a refused client to retry in less than a second', () => {
    expect(decide(rule, 6, windowStart + rule.windowMs - 1).retryAfterSeconds).toBe(1);
  });

  it('a fresh window starts from zero again', () => {
    const nextWindow = windowStart + rule.windowMs;
    expect(decide(rule, 0, nextWindow)).toMatchObject({ allowed: true, resetAtMs: nextWindow + rule.windowMs });
  });
});

describe('counterKey', () => {
  it('is a valid KV key that names the policy and window but not the subject', () => {
    const key = counterKey('login', 'email:ada@example.com|ip:10.0.0.1', 42);
    expect(key).toMatch(/^login\.[0-9a-f]{32}\.42$/);
    expect(key).not.toContain('ada');
  });

  it('separates subjects and windows', () => {
    expect(counterKey('login', 'a', 1)).not.toBe(counterKey('login', 'b', 1));
    expect(counterKey('login', 'a', 1)).not.toBe(counterKey('login', 'a', 2));
  });
});

describe('mostRestrictive', () => {
  const base = { limit: 10, resetAtMs: 0 };
  it('shows a refusal over any allowance, and otherwise the budget with least left', () => {
    const allowed = { ...base, allowed: true, remaining: 1 };
    const refused = { ...base, allowed: false, remaining: 0, retryAfterSeconds: 30 };
    expect(mostRestrictive([allowed, refused])).toBe(refused);
    const roomy = { ...base, allowed: true, remaining: 9 };
    expect(mostRestrictive([roomy, allowed])).toBe(allowed);
    expect(mostRestrictive([])).toBeUndefined();
  });

  it('of two refusals, shows the one that lasts longer', () => {
    const soon = { ...base, allowed: false, remaining: 0, retryAfterSeconds: 30 };
    const later = { ...base, allowed: false, remaining: 0, retryAfterSeconds: 600 };
    expect(mostRestrictive([soon, later])).toBe(later);
  });
});
