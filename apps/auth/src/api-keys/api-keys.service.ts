import {
  type ApiKeyDto,
  type ApiKeyPrincipalDto,
  type CreateApiKeyDto,
  type CreatedApiKeyDto,
  ErrorCode,
  KvBuckets,
  type ListDto,
  REVOKED_TOKENS_TTL_MS,
  Role,
  revokedApiKeyEntry,
} from '@callfleet/contracts';
import { type OrgScopedRepository, orgScoped } from '@callfleet/persistence';
import {
  AppException,
  type Caller,
  KvStoreService,
  lowerRole,
  MANAGER_ROLES,
  requireCanGrant,
  requireRole,
} from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, LessThan, type Repository } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { AuditEvent, AuditService } from '../audit/audit.service';
import { ApiKey } from './api-key.entity';
import { apiKeySecretMatches, generateApiKey, parseApiKey } from './api-key-format';

/** lastUsedAt is a hint for people, not an access log: one write a minute per key is plenty. */
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_LISTED = 1000;
const INVALID_KEY = () => new AppException(ErrorCode.INVALID_TOKEN, 'Invalid API key');

export function toApiKeyDto(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeysService {
  private readonly keys: Repository<ApiKey>;
  /** Everything a caller does with keys goes through its org's view. */
  private readonly orgKeys: (orgId: string) => OrgScopedRepository<ApiKey>;

  constructor(
    dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly kv: KvStoreService,
  ) {
    this.keys = dataSource.getRepository(ApiKey);
    this.orgKeys = orgScoped(this.keys);
  }

  async create(caller: Caller, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    requireRole(caller, MANAGER_ROLES);
    const role = dto.role ?? Role.AGENT;
    requireCanGrant(caller, role);
    await this.accounts.requireMember(caller);
    const generated = generateApiKey();
    const repo = this.orgKeys(caller.orgId);
    const key = await repo.save(
      repo.create({
        createdBy: caller.userId,
        name: dto.name,
        prefix: generated.prefix,
        secretHash: generated.secretHash,
        role,
      }),
    );
    await this.audit.record({
      event: AuditEvent.API_KEY_CREATED,
      orgId: caller.orgId,
      userId: caller.userId,
      details: { apiKeyId: key.id, role },
    });
    return { ...toApiKeyDto(key), key: generated.key };
  }

  async list(caller: Caller): Promise<ListDto<ApiKeyDto>> {
    requireRole(caller, MANAGER_ROLES);
    const keys = await this.orgKeys(caller.orgId).find({ revokedAt: IsNull() }, { createdAt: 'ASC' }, MAX_LISTED);
    return { items: keys.map(toApiKeyDto) };
  }

  /**
   * Another org's key id is NOT_FOUND, exactly like an id that does not exist. The key is also put
   * in the revocations bucket every gateway watches, before the answer: a gateway that remembers
   * the key as verified refuses it from then on instead of when its cache forgets it. Should the
   * bucket not take it, the revocation is refused (503) and can be retried, the row staying revoked.
   */
  async revoke(caller: Caller, id: string): Promise<void> {
    requireRole(caller, MANAGER_ROLES);
    const repo = this.orgKeys(caller.orgId);
    const key = await repo.getOne({ id }, 'API key');
    // A retry after a failed bucket write finds the row revoked already and writes the entry again.
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.save(key);
    }
    const revocations = await this.kv.bucket(KvBuckets.REVOKED_TOKENS, { ttlMs: REVOKED_TOKENS_TTL_MS });
    const until = Math.ceil(Date.now() / 1000) + REVOKED_TOKENS_TTL_MS / 1000;
    await revocations.put(revokedApiKeyEntry(key.id), String(until));
    await this.audit.record({
      event: AuditEvent.API_KEY_REVOKED,
      orgId: caller.orgId,
      userId: caller.userId,
      details: { apiKeyId: id },
    });
  }

  /**
   * The principal a presented key stands for. Unknown, malformed and revoked keys all get
   * INVALID_TOKEN, and so does a key whose creator has left the org: a key acts for its creator,
   * never with more than the creator's role as it is now.
   */
  async verify(presented: string): Promise<ApiKeyPrincipalDto> {
    const parsed = parseApiKey(presented);
    if (!parsed) throw INVALID_KEY();
    // Looked up across orgs on purpose: this is where the org of a machine client is learned.
    const key = await this.keys.findOneBy({ prefix: parsed.prefix });
    if (!key || key.revokedAt || !apiKeySecretMatches(parsed.secret, key.secretHash)) throw INVALID_KEY();
    const creator = await this.accounts.memberships(key.orgId).findOne({ userId: key.createdBy });
    if (!creator) throw INVALID_KEY();
    const now = Date.now();
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      // Conditional, so replicas verifying the same key at once write it once.
      await this.keys.update(
        [
          { id: key.id, lastUsedAt: IsNull() },
          { id: key.id, lastUsedAt: LessThan(new Date(now - LAST_USED_RESOLUTION_MS)) },
        ],
        { lastUsedAt: new Date(now) },
      );
    }
    const role = lowerRole(key.role, creator.role);
    return { userId: key.createdBy, orgId: key.orgId, roles: [role], kind: 'api-key', apiKeyId: key.id };
  }
}
