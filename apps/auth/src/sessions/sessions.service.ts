import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ErrorCode,
  KvBuckets,
  type LoginDto,
  type LogoutCommand,
  REVOKED_TOKENS_TTL_MS,
  type TokenPairDto,
} from '@callfleet/contracts';
import { AppException, KvStoreService, MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import type { Membership } from '../accounts/membership.entity';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { AuthConfig } from '../auth.config';
import { PasswordService } from '../passwords/password.service';
import { AccessTokenService } from '../tokens/access-token.service';
import { decideRefresh, hashRefreshToken, newRefreshToken, type RefreshDecision } from './refresh-rotation';
import { RefreshToken } from './refresh-token.entity';

/** A jti becomes a KV key, and KV keys allow only these characters. */
const KV_SAFE_JTI = /^[A-Za-z0-9_-]{1,100}$/;
/** First key of the two-key advisory lock, so it cannot collide with other advisory locks in the database. */
const SESSIONS_LOCK_SPACE = 'auth.refresh_tokens';

const INVALID_CREDENTIALS = () => new AppException(ErrorCode.INVALID_CREDENTIALS, 'Invalid email or password');
const INVALID_REFRESH = () => new AppException(ErrorCode.INVALID_TOKEN, 'Invalid refresh token');

type RefreshOutcome = { decision: 'rotate'; pair: TokenPairDto } | { decision: Exclude<RefreshDecision, 'rotate'> };

/** Sign-in, token pairs, refresh-token rotation with reuse detection, and logout. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AuthConfig,
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordService,
    private readonly accessTokens: AccessTokenService,
    private readonly audit: AuditService,
    private readonly kv: KvStoreService,
    private readonly metrics: MetricsService,
  ) {}

  private count(event: string): void {
    this.metrics
      .counter('callfleet_auth_events_total', 'Authentication outcomes (login, refresh, reuse, logout)', ['event'])
      .inc({ event });
  }

  /** A new access token and a refresh token, in a new family unless one is given (rotation). */
  async issuePair(
    membership: Pick<Membership, 'userId' | 'orgId' | 'role'>,
    familyId: string = randomUUID(),
    manager: EntityManager = this.dataSource.manager,
  ): Promise<TokenPairDto> {
    const refreshToken = newRefreshToken();
    await manager.insert(RefreshToken, {
      familyId,
      userId: membership.userId,
      orgId: membership.orgId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    });
    const access = await this.accessTokens.sign({
      userId: membership.userId,
      orgId: membership.orgId,
      roles: [membership.role],
    });
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  /**
   * One answer and about one cost for every failure: an unknown email is checked against a dummy
   * hash, and an invited user without a password fails the same way.
   */
  async login(dto: LoginDto, ip: string | null): Promise<TokenPairDto> {
    const user = await this.accounts.findUserByEmail(dto.email);
    const passwordOk = await this.passwords.verify(user?.passwordHash, dto.password);
    const membership = user && passwordOk ? await this.accounts.primaryMembership(user.id) : null;
    if (!user || !membership) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'no_membership';
      await this.audit.record({
        event: AuditEvent.LOGIN_FAILED,
        userId: user?.id ?? null,
        ip,
        details: { email: dto.email, reason },
      });
      this.count('login_failed');
      throw INVALID_CREDENTIALS();
    }
    await this.audit.record({ event: AuditEvent.LOGIN_SUCCEEDED, orgId: membership.orgId, userId: user.id, ip });
    this.count('login_succeeded');
    return this.issuePair(membership);
  }

  /**
   * Every transaction that mints or revokes a user's refresh tokens holds this lock until it ends.
   * A row lock is not enough: a revoking UPDATE does not see a token minted by a rotation that
   * commits while it waits, so that token would outlive its family. Per user, not per family,
   * because a password reset revokes all of the user's families at once.
   */
  private async lockSessionsOf(userId: string, manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [SESSIONS_LOCK_SPACE, userId]);
  }

  /**
   * Rotates a refresh token under the user's sessions lock, so of two concurrent uses of one token
   * the second sees it rotated and counts as reuse: strict, but a copy in a thief's hands looks
   * exactly so. A logout or reset that commits first is seen, and refused, the same way.
   */
  async refresh(refreshToken: string, ip: string | null): Promise<TokenPairDto> {
    const tokenHash = hashRefreshToken(refreshToken);
    const outcome = await this.dataSource.transaction(async (manager): Promise<RefreshOutcome> => {
      const owner = await manager.findOne(RefreshToken, { where: { tokenHash }, select: { userId: true } });
      if (!owner) return { decision: 'unknown' };
      await this.lockSessionsOf(owner.userId, manager);
      // Read again under the lock: whatever committed while this waited is visible now.
      const token = await manager.findOneBy(RefreshToken, { tokenHash });
      if (!token) return { decision: 'unknown' };
      const now = new Date();
      const decision = decideRefresh(token, now);
      if (decision === 'reuse') {
        await this.revokeFamily(token.familyId, manager);
        await this.audit.record(
          {
            event: AuditEvent.REFRESH_REUSE,
            orgId: token.orgId,
            userId: token.userId,
            ip,
            details: { familyId: token.familyId },
          },
          manager,
        );
      }
      if (decision !== 'rotate') return { decision };
      // Roles come from the membership as it is now, not as it was at login.
      const membership = await this.accounts.memberships(token.orgId).findOne({ userId: token.userId });
      if (!membership) {
        await this.revokeFamily(token.familyId, manager);
        return { decision: 'revoked' };
      }
      await manager.update(RefreshToken, { id: token.id }, { rotatedAt: now });
      return { decision, pair: await this.issuePair(membership, token.familyId, manager) };
    });
    this.count(`refresh_${outcome.decision}`);
    if (outcome.decision !== 'rotate') throw INVALID_REFRESH();
    return outcome.pair;
  }

  /**
   * Refuses the access token fleet-wide (its jti in the revoked-tokens bucket, which the gateway
   * watches) and ends the refresh family, if the presented refresh token is the caller's own.
   */
  async logout(command: LogoutCommand, userId: string): Promise<void> {
    if (!KV_SAFE_JTI.test(command.jti)) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', {
        fields: [{ field: 'jti', problems: ['jti must be letters, digits, - or _'] }],
      });
    }
    const revoked = await this.kv.bucket(KvBuckets.REVOKED_TOKENS, { ttlMs: REVOKED_TOKENS_TTL_MS });
    await revoked.put(command.jti, String(command.exp));
    let familyId: string | undefined;
    const { refreshToken } = command;
    if (refreshToken) {
      familyId = await this.dataSource.transaction(async (manager) => {
        const token = await manager.findOneBy(RefreshToken, { tokenHash: hashRefreshToken(refreshToken) });
        // Someone else's token is left alone, silently: the answer must not confirm it exists.
        if (!token || token.userId !== userId) return undefined;
        await this.lockSessionsOf(userId, manager);
        await this.revokeFamily(token.familyId, manager);
        return token.familyId;
      });
    }
    await this.audit.record({ event: AuditEvent.LOGOUT, userId, details: { jti: command.jti, familyId } });
    this.count('logout');
  }

  /** Only inside a transaction holding the owner's sessions lock. */
  private async revokeFamily(familyId: string, manager: EntityManager): Promise<void> {
    await manager.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Ends every session of a user (after a password reset), including one being rotated right now. */
  async revokeAllForUser(userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockSessionsOf(userId, manager);
      await manager.update(RefreshToken, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
    });
  }
}
