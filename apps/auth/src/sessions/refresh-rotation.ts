import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: opaque to the client, worthless to guess. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Only the SHA-256 is stored and looked up. The token has 256 bits of entropy, so a fast hash is
 * enough, and an indexed lookup by hash leaks nothing useful through timing.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface RefreshTokenState {
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * What presenting a refresh token means:
 * - `rotate`: live, exchange it for a new pair of the same family;
 * - `reuse`: it was already exchanged, so someone holds a copy: revoke the family;
 * - `revoked` / `expired` / `unknown`: refuse.
 * Reuse is checked before expiry: a stolen, rotated token is a theft signal even once expired.
 */
export type RefreshDecision = 'rotate' | 'reuse' | 'revoked' | 'expired' | 'unknown';

export function decideRefresh(token: RefreshTokenState | null, now: Date): RefreshDecision {
  if (!token) return 'unknown';
  if (token.revokedAt) return 'revoked';
  if (token.rotatedAt) return 'reuse';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}
