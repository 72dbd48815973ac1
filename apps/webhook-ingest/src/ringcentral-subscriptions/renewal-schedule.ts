/**
 * When a subscription granted at `grantedAtMs` until `expiresAtMs` is renewed: once less than
 * `remainingFraction` of its lifetime is left, so several retries still fit before it lapses.
 */
export function renewalDueAt(grantedAtMs: number, expiresAtMs: number, remainingFraction: number): number {
  const lifetime = Math.max(0, expiresAtMs - grantedAtMs);
  return expiresAtMs - lifetime * remainingFraction;
}

/** Wait before retry number `failures` (1-based): doubling from `baseMs`, at most `maxMs`. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}
