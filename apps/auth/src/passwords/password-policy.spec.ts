import { loadCommonPasswords, parseCommonPasswords } from './common-passwords';
import { passwordBase, passwordProblems } from './password-policy';

describe('password policy', () => {
  const commonPasswords = loadCommonPasswords();
  const problems = (password: string, email = 'ada.lovelace@example.com') =>
    passwordProblems({ password, email, commonPasswords });

  it('ships a list of a few hundred lowercase common passwords', () => {
    expect(commonPasswords.size).toBeGreaterThan(300);
    expect(commonPasswords.has('password')).toBe(true);
    expect(commonPasswords.has('1234567890')).toBe(true);
    expect([...commonPasswords].every((p) => p === p.toLowerCase())).toBe(true);
  });

  it('accepts a long unusual password', () => {
    expect(problems('violet-harbour-engine-42')).toEqual([]);
    expect(problems('Tr0ub4dor&3xyz')).toEqual([]);
  });

  it('refuses a common password whatever its case', () => {
    expect(problems('QwertyUiop')).toContain('password is too common');
    expect(problems('1234567890')).toContain('password is too common');
  });

  it('refuses a common word dressed up with digits, symbols or leetspeak', () => {
    expect(passwordBase('P@ssw0rd2024!')).toBe('password');
    expect(problems('P@ssw0rd2024!')).toContain('password is too common');
    expect(problems('dragon123456')).toContain('password is too common');
    expect(problems('!!monkey2025')).toContain('password is too common');
  });

  it('refuses the email address and its local part', () => {
    expect(problems('ada.lovelace@example.com')).toContain('password must not be the email address');
    expect(problems('Ada.Lovelace')).toContain('password must not be the email address');
    expect(problems('ada.lovelace1815')).toContain('password must not be the email address');
  });

  it('refuses a password of too few different characters', () => {
    expect(problems('aaaaaaaaaaaa')).toContain('password must use at least 4 different characters');
    expect(problems('abababababab')).toContain('password must use at least 4 different characters');
  });

  it('parses the list ignoring comments, blanks and case', () => {
    expect([...parseCommonPasswords('# a comment\nHello\n\n  World  \n')]).toEqual(['hello', 'world']);
  });
});
