import {
  AuthEvents,
  ErrorCode,
  type RegisterDto,
  type TokenPairDto,
  type UserRegisteredData,
} from '@callfleet/contracts';
import { Outbox } from '@callfleet/persistence';
import { AppException } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { PasswordService } from '../passwords/password.service';
import { SessionsService } from '../sessions/sessions.service';

@Injectable()
export class RegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly emailVerification: EmailVerificationService,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
  ) {}

  /** A new organization with its owner, signed in at once; the email still has to be verified. */
  async register(dto: RegisterDto, ip: string | null): Promise<TokenPairDto> {
    this.passwords.assertAcceptable(dto.password, dto.email, 'password');
    // Checked before hashing to spare argon2's work; the unique index still decides under a race.
    if (await this.accounts.findUserByEmail(dto.email)) {
      throw new AppException(ErrorCode.DUPLICATE_ENTRY, 'A user with this email already exists');
    }
    const passwordHash = await this.passwords.hash(dto.password);
    // The account, its audit entry and its user-registered event commit together: the event is
    // published after the commit by the outbox relay, however long the bus is away.
    const membership = await this.dataSource.transaction(async (manager) => {
      const created = await this.accounts.createOrganizationWithOwner(
        { email: dto.email, name: dto.name, organizationName: dto.organizationName, passwordHash },
        manager,
      );
      const { userId, orgId } = created;
      await this.audit.record({ event: AuditEvent.REGISTERED, orgId, userId, ip }, manager);
      const registered: UserRegisteredData = { userId, orgId, email: dto.email };
      await this.outbox.add(manager, AuthEvents.USER_REGISTERED, registered, { orgId, orderKey: orgId });
      return created;
    });
    await this.emailVerification.start({ userId: membership.userId, orgId: membership.orgId, email: dto.email });
    return this.sessions.issuePair(membership);
  }
}
