import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hash as argon2Hash, argon2id, verify as argon2Verify } from 'argon2';
import { loadCommonPasswords } from './common-passwords';
import { passwordProblems } from './password-policy';

/** argon2id hashing, the password policy, and a login check that costs the same for unknown users. */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly commonPasswords = loadCommonPasswords();
  /** Verified against when there is no real hash, so an unknown email takes as long as a wrong password. */
  private dummyHash: string;

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(16).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return argon2Hash(password, { type: argon2id });
  }

  /** True only for a real hash that matches; does the full argon2 work either way. */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2Verify(hash ?? this.dummyHash, password);
      return ok && hash != null;
    } catch {
      // A malformed stored hash is a failed login, never a 500.
      return false;
    }
  }

  /** VALIDATION_ERROR naming `field` (as the validation pipe does) when the policy refuses the password. */
  assertAcceptable(password: string, email: string, field: string): void {
    const problems = passwordProblems({ password, email, commonPasswords: this.commonPasswords });
    if (problems.length) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', { fields: [{ field, problems }] });
    }
  }
}
