import { codeMatches, generateCode, hashCode, isCodeLive, MAX_CODE_ATTEMPTS } from './verification-code';

describe('verification codes', () => {
  const pepper = 'a-pepper-of-sixteen-chars';
  const userId = '7d8c6f0e-3f8a-4d0e-9a57-0f5b8a1c2d3e';

  it('generates 6-digit codes, zero-padded', () => {
    for (let i = 0; i < 200; i++) expect(generateCode()).toMatch(/^\d{6}$/);
  });

  it('matches only the same code for the same user, purpose and pepper', () => {
    const stored = hashCode(pepper, userId, 'password-reset', '012345');
    expect(stored).not.toContain('012345');
    expect(codeMatches(pepper, userId, 'password-reset', '012345', stored)).toBe(true);
    expect(codeMatches(pepper, userId, 'password-reset', '012346', stored)).toBe(false);
    expect(codeMatches(pepper, userId, 'email-verification', '012345', stored)).toBe(false);
    expect(codeMatches(pepper, '00000000-0000-4000-8000-000000000000', 'password-reset', '012345', stored)).toBe(false);
    expect(codeMatches('another-pepper-value', userId, 'password-reset', '012345', stored)).toBe(false);
    expect(codeMatches(pepper, userId, 'password-reset', '012345', 'not-hex')).toBe(false);
  });

  it('is live until used, expired or guessed at too often', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const code = { expiresAt: new Date('2026-11-23T10:30:00Z'), attempts: 0, consumedAt: null };
    expect(isCodeLive(code, now)).toBe(true);
    expect(isCodeLive({ ...code, attempts: MAX_CODE_ATTEMPTS - 1 }, now)).toBe(true);
    expect(isCodeLive({ ...code, attempts: MAX_CODE_ATTEMPTS }, now)).toBe(false);
    expect(isCodeLive({ ...code, consumedAt: now }, now)).toBe(false);
    expect(isCodeLive({ ...code, expiresAt: now }, now)).toBe(false);
  });
});
