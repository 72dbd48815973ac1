import { randomUUID } from 'node:crypto';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ErrorCode,
  KvBuckets,
  type LoginDto,
  type LogoutCommand,
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

/** Same as the gateway opens it: entries outlive the 15-minute access tokens they revoke. */
export const REVOKED_TOKENS_TTL_MS = 20 * 60 * 1000;
/** A jti becomes a KV key, and KV keys allow only these characters. */
const KV_SAFE_JTI = /^[A-Za-z0-9_-]{1,100}$/;

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
   * Rotates a refresh token. The row is locked, so of two concurrent uses of one token the second
   * sees it rotated and counts as reuse: strict, but a copy in a thief's hands looks exactly so.
   */
  async refresh(refreshToken: string, ip: string | null): Promise<TokenPairDto> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<RefreshOutcome> => {
      const token = await manager.findOne(RefreshToken, {
        where: { tokenHash: hashRefreshToken(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
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
    if (command.refreshToken) {
      const token = await this.dataSource
        .getRepository(RefreshToken)
        .findOneBy({ tokenHash: hashRefreshToken(command.refreshToken) });
      // Someone else's token is left alone, silently: the answer must not confirm it exists.
      if (token && token.userId === userId) {
        familyId = token.familyId;
        await this.revokeFamily(familyId);
      }
    }
    await this.audit.record({ event: AuditEvent.LOGOUT, userId, details: { jti: command.jti, familyId } });
    this.count('logout');
  }

  async revokeFamily(familyId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Ends every session of a user (after a password reset). */
  async revokeAllForUser(userId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(RefreshToken, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
