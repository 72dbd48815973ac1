import type { PasswordResetConfirmDto, PasswordResetRequestDto } from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { PasswordService } from '../passwords/password.service';
import { SessionsService } from '../sessions/sessions.service';
import type { CodePurpose } from '../verification/verification-code';
import { invalidCode, VerificationCodesService } from '../verification/verification-codes.service';

/** An invitation code sets the first password through the same door as a reset code. */
const PASSWORD_SETTING_PURPOSES: CodePurpose[] = ['password-reset', 'invitation'];

@Injectable()
export class PasswordResetService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordService,
    private readonly codes: VerificationCodesService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /** Sends a code if the account exists; the caller is told nothing either way. */
  async request(dto: PasswordResetRequestDto): Promise<void> {
    const user = await this.accounts.findUserByEmail(dto.email);
    if (!user) return;
    const membership = await this.accounts.primaryMembership(user.id);
    await this.codes.issue({ userId: user.id, orgId: membership?.orgId, email: user.email }, 'password-reset');
  }

  /**
   * Sets the new password and ends every session of the user. The password is checked before the
   * code, so a refused password does not burn the code.
   */
  async confirm(dto: PasswordResetConfirmDto, ip: string | null): Promise<void> {
    this.passwords.assertAcceptable(dto.newPassword, dto.email, 'newPassword');
    const user = await this.accounts.findUserByEmail(dto.email);
    const purpose = user ? await this.codes.consume(user.id, PASSWORD_SETTING_PURPOSES, dto.code) : null;
    if (!user || !purpose) throw invalidCode();
    await this.accounts.setPassword(user.id, await this.passwords.hash(dto.newPassword));
    // The code arrived by mail, which proves the address.
    await this.accounts.markEmailVerified(user.id);
    await this.codes.invalidate(user.id, PASSWORD_SETTING_PURPOSES);
    await this.sessions.revokeAllForUser(user.id);
    const membership = await this.accounts.primaryMembership(user.id);
    await this.audit.record({
      event: AuditEvent.PASSWORD_RESET,
      orgId: membership?.orgId,
      userId: user.id,
      ip,
      details: { via: purpose },
    });
  }
}
