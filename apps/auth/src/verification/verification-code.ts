import { createHmac, randomInt } from 'node:crypto';
import { constantTimeEqual } from '@callfleet/platform';

export type CodePurpose = 'password-reset' | 'email-verification' | 'invitation';

/** Wrong guesses a code survives; with a 6-digit code that is a 5-in-a-million chance. */
export const MAX_CODE_ATTEMPTS = 5;

export const CODE_TTL_MS: Readonly<Record<Exclude<CodePurpose, 'invitation'>, number>> = {
  'password-reset': 30 * 60_000,
  'email-verification': 10 * 60_000,
};

/** A uniformly random 6-digit code (leading zeros kept). */
export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * HMAC with a server-side pepper, bound to the user and purpose: a row copied to another user or
 * purpose is useless, and a leaked table alone does not reveal codes.
 */
export function hashCode(pepper: string, userId: string, purpose: CodePurpose, code: string): string {
  return createHmac('sha256', pepper).update(`${userId}\0${purpose}\0${code}`).digest('hex');
}

export function codeMatches(pepper: string, userId: string, purpose: CodePurpose, code: string, stored: string) {
  return constantTimeEqual(hashCode(pepper, userId, purpose, code), stored);
}

export interface CodeState {
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

/** A code can still be tried: not used or replaced, not expired, not guessed at too often. */
export function isCodeLive(code: CodeState, now: Date): boolean {
  return code.consumedAt === null && code.expiresAt.getTime() > now.getTime() && code.attempts < MAX_CODE_ATTEMPTS;
}
