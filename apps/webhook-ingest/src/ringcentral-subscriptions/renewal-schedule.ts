/**
 * When a subscription granted at `grantedAtMs` until `expiresAtMs` is renewed: once less than
 * `remainingFraction` of its lifetime is left, so several retries still fit before it lapses.
 */
export function renewalDueAt(grantedAtMs: number, expiresAtMs: number, remainingFraction: number): number {
  const lifetime = Math.max(0, expiresAtMs - grantedAtMs);
  return expiresAtMs - lifetime * remainingFraction;
}
