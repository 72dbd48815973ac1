/**
 * Rules on top of the DTO's length limits. Pure: the list of common passwords is passed in, so
 * the rules are tested directly.
 */
export interface PasswordPolicyInput {
  password: string;
  email: string;
  /** Lowercase entries. */
  commonPasswords: ReadonlySet<string>;
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

/** Bases shorter than this are too likely to be a real word inside a strong passphrase. */
const MIN_BASE_LENGTH = 4;

/** `Dragon2024!` → `dragon`, `p@ssw0rd123` → `password`: a common word dressed with digits and symbols. */
export function passwordBase(password: string): string {
  const trimmed = password
    .toLowerCase()
    .replace(/^[^a-z]+/, '')
    .replace(/[^a-z]+$/, '');
  return trimmed.replace(/[013457@$]/g, (c) => LEET[c] ?? c);
}

/** The problems with a password, in words a person can act on; empty when it is acceptable. */
export function passwordProblems({ password, email, commonPasswords }: PasswordPolicyInput): string[] {
  const problems: string[] = [];
  const lower = password.toLowerCase();
  const base = passwordBase(password);
  if (commonPasswords.has(lower) || (base.length >= MIN_BASE_LENGTH && commonPasswords.has(base))) {
    problems.push('password is too common');
  }
  const normalizedEmail = email.trim().toLowerCase();
  const localPart = normalizedEmail.split('@')[0] ?? '';
  if (lower === normalizedEmail || lower === localPart || (localPart.length >= MIN_BASE_LENGTH && base === localPart)) {
    problems.push('password must not be the email address');
  }
  if (new Set(lower).size < 4) problems.push('password must use at least 4 different characters');
  return problems;
}
