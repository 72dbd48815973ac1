import { ErrorCode, type MeDto, Role } from '@callfleet/contracts';
import { orgScoped } from '@callfleet/persistence';
import { AppException, type Caller, isUniqueViolation } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, type Repository } from 'typeorm';
import { AccountsRepository } from './accounts.repository';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

export interface NewAccount {
  email: string;
  name: string;
  organizationName: string;
  passwordHash: string;
}

export interface NewMember {
  email: string;
  name: string;
  role: Role;
}

const EMAIL_TAKEN = () => new AppException(ErrorCode.DUPLICATE_ENTRY, 'A user with this email already exists');
const ALREADY_MEMBER = () =>
  new AppException(ErrorCode.DUPLICATE_ENTRY, 'This address is already a member of the organization');

/** Organizations, users and memberships: who exists and who belongs where. */
@Injectable()
export class AccountsService {
  /** Memberships are org-owned: only ever seen through one organization. */
  readonly memberships: ReturnType<typeof orgScoped<Membership>>;
  private readonly users: Repository<User>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AccountsRepository,
  ) {
    this.memberships = orgScoped(dataSource.getRepository(Membership));
    this.users = dataSource.getRepository(User);
  }

  findUserByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  /**
   * A new organization with its owner, in the caller's transaction (`manager`), so what else the
   * registration writes (its audit entry, its event) commits with it or not at all. A taken email
   * is DUPLICATE_ENTRY, even under a race.
   */
  async createOrganizationWithOwner(account: NewAccount, manager: EntityManager): Promise<Membership> {
    try {
      const org = await manager.save(manager.create(Organization, { name: account.organizationName }));
      return await this.addMember(manager, org.id, account, Role.OWNER, account.passwordHash);
    } catch (error) {
      if (isUniqueViolation(error)) throw EMAIL_TAKEN();
      throw error;
    }
  }

  /**
   * Makes the invited address a member of `orgId`. A new address becomes a user with no usable
   * password yet (the invitation code sets it); an address that already has an account elsewhere
   * joins as it is, so that the answer cannot tell an inviter whether an address has an account
   * anywhere. Already a member of this org: DUPLICATE_ENTRY (the inviter can see its members anyway).
   */
  async createInvitedMember(orgId: string, member: NewMember): Promise<Membership> {
    // A second try covers an account created by someone else between our read and our insert.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          const existing = await manager.findOneBy(User, { email: member.email });
          if (!existing) return this.addMember(manager, orgId, member, member.role, null);
          if (await manager.existsBy(Membership, { orgId, userId: existing.id })) throw ALREADY_MEMBER();
          const membership = await manager.save(
            manager.create(Membership, { orgId, userId: existing.id, role: member.role }),
          );
          membership.user = existing;
          return membership;
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (attempt >= 2) throw ALREADY_MEMBER();
      }
    }
  }

  private async addMember(
    manager: EntityManager,
    orgId: string,
    person: { email: string; name: string },
    role: Role,
    passwordHash: string | null,
  ): Promise<Membership> {
    const user = await manager.save(manager.create(User, { email: person.email, name: person.name, passwordHash }));
    const membership = await manager.save(manager.create(Membership, { orgId, userId: user.id, role }));
    membership.user = user;
    return membership;
  }

  /** The organization a user signs in to: the first one they joined. */
  primaryMembership(userId: string): Promise<Membership | null> {
    return this.dataSource.getRepository(Membership).findOne({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  /** The caller's own membership; headers naming a user or org that does not exist get NOT_FOUND. */
  requireMember(caller: Caller): Promise<Membership> {
    return this.memberships(caller.orgId).getOne({ userId: caller.userId }, 'User');
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.users.update({ id: userId }, { passwordHash });
  }

  /** Receiving a code at an address proves it; the first proof counts. */
  async markEmailVerified(userId: string): Promise<void> {
    await this.users.update({ id: userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: new Date() });
  }

  me(caller: Caller): Promise<MeDto> {
    return this.repository.me(caller);
  }
}
