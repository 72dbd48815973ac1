import { decideRefresh, hashRefreshToken, newRefreshToken } from './refresh-rotation';

describe('refresh token rotation', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const live = { expiresAt: new Date('2026-12-01T00:00:00Z'), rotatedAt: null, revokedAt: null };

  it('rotates a live token', () => {
    expect(decideRefresh(live, now)).toBe('rotate');
  });

  it('treats a second use of a rotated token as reuse, even once it expired', () => {
    expect(decideRefresh({ ...live, rotatedAt: new Date('2026-11-23T09:00:00Z') }, now)).toBe('reuse');
    expect(decideRefresh({ ...live, rotatedAt: now, expiresAt: new Date('2026-11-01T00:00:00Z') }, now)).toBe('reuse');
  });

  it('refuses revoked, expired and unknown tokens', () => {
    expect(decideRefresh({ ...live, revokedAt: now, rotatedAt: now }, now)).toBe('revoked');
    expect(decideRefresh({ ...live, expiresAt: now }, now)).toBe('expired');
    expect(decideRefresh(null, now)).toBe('unknown');
  });

  it('makes opaque 256-bit tokens and stores only a SHA-256 of them', () => {
    const token = newRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(token);
    expect(hashRefreshToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefreshToken(token)).not.toContain(token);
  });
});
