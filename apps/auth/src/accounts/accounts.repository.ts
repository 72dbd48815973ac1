import { ErrorCode, type MeDto, type Role } from '@callfleet/contracts';
import { preparedStatement, runPrepared } from '@callfleet/persistence';
import { AppException, type Caller } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * `me` is read on every page load of every client: one prepared statement (membership, user and
 * organization joined, scoped to the caller's org) instead of TypeORM's builder, which built two
 * statements and ran them one after the other.
 */
const ME = preparedStatement(
  'auth.me',
  `SELECT m.user_id, m.role, u.email, u.name, u.email_verified_at IS NOT NULL AS email_verified,
          o.id AS org_id, o.name AS organization_name
     FROM auth.memberships m
     JOIN auth.users u ON u.id = m.user_id
     JOIN auth.organizations o ON o.id = m.org_id
    WHERE m.org_id = $1 AND m.user_id = $2`,
);

interface MeRow {
  user_id: string;
  role: Role;
  email: string;
  name: string;
  email_verified: boolean;
  org_id: string;
  organization_name: string;
}

/** The accounts feature's hand-written SQL (the hot reads). */
@Injectable()
export class AccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The caller as they see themselves; NOT_FOUND when the headers name no membership (as OrgScopedRepository). */
  async me(caller: Caller): Promise<MeDto> {
    if (!caller.orgId) throw new AppException(ErrorCode.UNAUTHORIZED, 'No organization in the request context');
    const [row] = await runPrepared<MeRow>(this.dataSource, ME, [caller.orgId, caller.userId]);
    if (!row) throw new AppException(ErrorCode.NOT_FOUND, 'User not found');
    return {
      userId: row.user_id,
      email: row.email,
      name: row.name,
      emailVerified: row.email_verified,
      orgId: row.org_id,
      organizationName: row.organization_name,
      roles: [row.role],
    };
  }
}
