import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { AuthConfig } from '../auth.config';
import { Notifier } from '../notifications/notifier';
import { CODE_TTL_MS, type CodePurpose, codeMatches, generateCode, hashCode, isCodeLive } from './verification-code';
import { VerificationCode } from './verification-code.entity';

export interface CodeRecipient {
  userId: string;
  orgId?: string | null;
  email: string;
}

/**
 * A wrong, expired or used code is BAD_REQUEST (400), not INVALID_TOKEN (401): the caller is not
 * signed in to anything here, and a 401 would make a frontend drop a session that is still good.
 * One message for every reason, so an answer never tells a guesser which one it was.
 */
export const invalidCode = () => new AppException(ErrorCode.BAD_REQUEST, 'Invalid or expired code');

/** Issues single-use codes, delivers them, and checks them with a bounded number of guesses. */
@Injectable()
export class VerificationCodesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AuthConfig,
    private readonly notifier: Notifier,
  ) {}

  private ttlMs(purpose: CodePurpose): number {
    return purpose === 'invitation' ? this.config.INVITATION_CODE_TTL_HOURS * 3_600_000 : CODE_TTL_MS[purpose];
  }

  /** A new code replaces every unused one of the same purpose, then goes to the person. */
  async issue(recipient: CodeRecipient, purpose: CodePurpose): Promise<void> {
    const code = generateCode();
    const expiresAt = new Date(Date.now() + this.ttlMs(purpose));
    const notification = { kind: purpose, ...recipient, code, expiresAt };
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        VerificationCode,
        { userId: recipient.userId, purpose, consumedAt: IsNull() },
        { consumedAt: new Date() },
      );
      await manager.insert(VerificationCode, {
        userId: recipient.userId,
        purpose,
        codeHash: hashCode(this.config.CODE_PEPPER, recipient.userId, purpose, code),
        expiresAt,
      });
      await this.notifier.announce(manager, notification);
    });
    this.notifier.deliver(notification);
  }

  /**
   * Uses up the user's live code of one of `purposes` that matches `code`, and says which purpose
   * it had; null when none matches. A miss counts as a wrong guess on every live code, so
   * guessing across purposes gains nothing. Rows are locked, so two guesses cannot both use a code.
   */
  async consume(userId: string, purposes: CodePurpose[], code: string): Promise<CodePurpose | null> {
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const candidates = await manager.find(VerificationCode, {
        where: { userId, purpose: In(purposes), consumedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      const live = candidates.filter((c) => isCodeLive(c, now));
      const match = live.find((c) => codeMatches(this.config.CODE_PEPPER, userId, c.purpose, code, c.codeHash));
      if (match) {
        await manager.update(VerificationCode, { id: match.id }, { consumedAt: now });
        return match.purpose;
      }
      if (live.length) await manager.increment(VerificationCode, { id: In(live.map((c) => c.id)) }, 'attempts', 1);
      return null;
    });
  }

  /** Makes every unused code of these purposes useless (after a password was set, for instance). */
  async invalidate(userId: string, purposes: CodePurpose[]): Promise<void> {
    await this.dataSource
      .getRepository(VerificationCode)
      .update({ userId, purpose: In(purposes), consumedAt: IsNull() }, { consumedAt: new Date() });
  }
}
