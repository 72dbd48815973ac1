import {
  AuthEvents,
  ErrorCode,
  type RegisterDto,
  type TokenPairDto,
  type UserRegisteredData,
} from '@callfleet/contracts';
import { AppException, JetStreamService } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { PasswordService } from '../passwords/password.service';
import { SessionsService } from '../sessions/sessions.service';

@Injectable()
export class RegistrationService {
  private readonly logger = new Logger('Registration');

  constructor(
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly emailVerification: EmailVerificationService,
    private readonly audit: AuditService,
    private readonly jetstream: JetStreamService,
  ) {}

  /** A new organization with its owner, signed in at once; the email still has to be verified. */
  async register(dto: RegisterDto, ip: string | null): Promise<TokenPairDto> {
    this.passwords.assertAcceptable(dto.password, dto.email, 'password');
    // Checked before hashing to spare argon2's work; the unique index still decides under a race.
    if (await this.accounts.findUserByEmail(dto.email)) {
      throw new AppException(ErrorCode.DUPLICATE_ENTRY, 'A user with this email already exists');
    }
    const membership = await this.accounts.createOrganizationWithOwner({
      email: dto.email,
      name: dto.name,
      organizationName: dto.organizationName,
      passwordHash: await this.passwords.hash(dto.password),
    });
    const { userId, orgId } = membership;
    await this.audit.record({ event: AuditEvent.REGISTERED, orgId, userId, ip });
    await this.announce({ userId, orgId, email: dto.email });
    await this.emailVerification.start({ userId, orgId, email: dto.email });
    return this.sessions.issuePair(membership);
  }

  private async announce(data: UserRegisteredData): Promise<void> {
    try {
      await this.jetstream.publishEvent(AuthEvents.USER_REGISTERED, data, { orgId: data.orgId });
    } catch (error) {
      // The account exists; failing the answer now would only make the person retry into DUPLICATE_ENTRY.
      this.logger.error({ msg: 'user-registered event not published', userId: data.userId, error: String(error) });
    }
  }
}
