import { ErrorCode, type MeDto, Role } from '@callfleet/contracts';
import { isUniqueViolation, orgScoped } from '@callfleet/persistence';
import { AppException, type Caller } from '@callfleet/platform';
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

  /** A new organization with its owner, atomically. A taken email is DUPLICATE_ENTRY, even under a race. */
  async createOrganizationWithOwner(account: NewAccount): Promise<Membership> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const org = await manager.save(manager.create(Organization, { name: account.organizationName }));
        return this.addMember(manager, org.id, account, Role.OWNER, account.passwordHash);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw EMAIL_TAKEN();
      throw error;
    }
  }

  /** A user created inside an org with no usable password yet (an invitation sets it). */
  async createInvitedMember(orgId: string, member: NewMember): Promise<Membership> {
    try {
      return await this.dataSource.transaction((manager) => this.addMember(manager, orgId, member, member.role, null));
    } catch (error) {
      if (isUniqueViolation(error)) throw EMAIL_TAKEN();
      throw error;
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
