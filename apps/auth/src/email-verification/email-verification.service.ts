import type { ResendVerificationDto, VerifyEmailDto } from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { type CodeRecipient, invalidCode, VerificationCodesService } from '../verification/verification-codes.service';

@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly codes: VerificationCodesService,
    private readonly audit: AuditService,
  ) {}

  /** Sends a fresh code to the address (right after registration, and on resend). */
  start(recipient: CodeRecipient): Promise<void> {
    return this.codes.issue(recipient, 'email-verification');
  }

  async verify(dto: VerifyEmailDto): Promise<void> {
    const user = await this.accounts.findUserByEmail(dto.email);
    if (!user || !(await this.codes.consume(user.id, ['email-verification'], dto.code))) throw invalidCode();
    await this.accounts.markEmailVerified(user.id);
    await this.audit.record({ event: AuditEvent.EMAIL_VERIFIED, userId: user.id });
  }

  /** Accepted whatever the address: the answer never tells whether an account exists. */
  async resend(dto: ResendVerificationDto): Promise<void> {
    const user = await this.accounts.findUserByEmail(dto.email);
    if (!user || user.emailVerifiedAt) return;
    const membership = await this.accounts.primaryMembership(user.id);
    await this.start({ userId: user.id, orgId: membership?.orgId, email: user.email });
  }
}
