import type { InviteUserDto, ListDto, UserDto } from '@callfleet/contracts';
import { type Caller, MANAGER_ROLES, requireCanGrant, requireRole } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import type { Membership } from '../accounts/membership.entity';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { VerificationCodesService } from '../verification/verification-codes.service';

/** Upper bound of one listing; organizations here are teams, not populations. */
const MAX_LISTED = 1000;

export function toUserDto(membership: Membership): UserDto {
  return {
    id: membership.userId,
    email: membership.user.email,
    name: membership.user.name,
    role: membership.role,
    emailVerified: membership.user.emailVerifiedAt !== null,
    createdAt: membership.user.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly codes: VerificationCodesService,
    private readonly audit: AuditService,
  ) {}

  /** The members of the caller's organization, and of no other. */
  async list(caller: Caller): Promise<ListDto<UserDto>> {
    const memberships = await this.accounts.memberships(caller.orgId).find({}, { createdAt: 'ASC' }, MAX_LISTED);
    return { items: memberships.map(toUserDto) };
  }

  /**
   * Adds the member and mails an invitation code that sets a password. The answer is the same
   * whether or not the address already has an account in another organization: what the inviter
   * sent, not what that account holds.
   */
  async invite(caller: Caller, dto: InviteUserDto): Promise<UserDto> {
    requireRole(caller, MANAGER_ROLES);
    requireCanGrant(caller, dto.role);
    await this.accounts.requireMember(caller);
    const membership = await this.accounts.createInvitedMember(caller.orgId, dto);
    await this.audit.record({
      event: AuditEvent.USER_INVITED,
      orgId: caller.orgId,
      userId: caller.userId,
      details: { invitedUserId: membership.userId, role: dto.role },
    });
    await this.codes.issue({ userId: membership.userId, orgId: caller.orgId, email: dto.email }, 'invitation');
    return {
      id: membership.userId,
      email: dto.email,
      name: dto.name,
      role: membership.role,
      emailVerified: false,
      createdAt: membership.createdAt.toISOString(),
    };
  }
}
