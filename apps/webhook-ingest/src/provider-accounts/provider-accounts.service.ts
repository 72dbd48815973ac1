import { randomUUID } from 'node:crypto';
import {
  type CreateProviderAccountDto,
  ErrorCode,
  type ListDto,
  PROVIDERS_DELETING_RECORDINGS,
  type ProviderAccountCredentialsDto,
  type ProviderAccountDto,
  providerWebhookUrls,
  type TelephonyProvider,
} from '@callfleet/contracts';
import { type OrgScopedRepository, orgScoped } from '@callfleet/persistence';
import { AppException, SecretBox } from '@callfleet/platform';
import {
  type OutboundUrlPolicy,
  outboundUrlPolicyFor,
  outboundUrlRefusal,
  type ProviderAccount,
  type WebhookSecrets,
} from '@callfleet/telephony';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, In, type Repository } from 'typeorm';
import { PublicBaseUrl } from '../public-url/public-base-url';
import { ProviderSubscriptionEntity } from '../ringcentral-subscriptions/provider-subscription.entity';
import { WebhookIngestConfig } from '../webhook-ingest.config';
import {
  type AccountSecrets,
  accountSecretsFrom,
  adapterAccountOf,
  newAccountKey,
  secretNamesOf,
  webhookSecretsOf,
} from './account-secrets';
import { ProviderAccountEntity } from './provider-account.entity';

/** A provider account with its secrets opened, as webhooks and jobs use it. Never leaves the process. */
export interface ResolvedAccount {
  id: string;
  orgId: string;
  provider: TelephonyProvider;
  accountKey: string;
  webhookSecrets: WebhookSecrets;
  /** For the telephony adapters and the RingCentral subscription client. */
  adapterAccount: ProviderAccount;
}

/** Features that act when accounts come and go (RingCentral subscriptions). */
export interface ProviderAccountListener {
  /** In the account's own transaction (`manager`): what it does commits with the account or not at all. */
  created?(account: ResolvedAccount, manager: EntityManager): Promise<void>;
  /** Awaited before the row goes; a failure is logged and does not stop the delete. */
  deleting?(account: ResolvedAccount): Promise<void>;
}

const MAX_LISTED = 500;
const MAX_CACHED = 10_000;
/** An unknown key is remembered briefly, so a flood of made-up keys costs no database reads. */
const UNKNOWN_CACHE_MS = 5_000;
const sealedFor = (id: string) => `provider-account:${id}`;

@Injectable()
export class ProviderAccountsService {
  private readonly logger = new Logger('ProviderAccounts');
  private readonly accounts: Repository<ProviderAccountEntity>;
  private readonly orgAccounts: (orgId: string) => OrgScopedRepository<ProviderAccountEntity>;
  private readonly subscriptions: Repository<ProviderSubscriptionEntity>;
  private readonly cache = new Map<string, { expiresAt: number; account: Promise<ResolvedAccount | undefined> }>();
  private readonly listeners: ProviderAccountListener[] = [];
  private readonly urlPolicy: OutboundUrlPolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly config: WebhookIngestConfig,
    private readonly publicUrl: PublicBaseUrl,
  ) {
    this.accounts = dataSource.getRepository(ProviderAccountEntity);
    this.orgAccounts = orgScoped(this.accounts);
    this.subscriptions = dataSource.getRepository(ProviderSubscriptionEntity);
    this.urlPolicy = outboundUrlPolicyFor(config.NODE_ENV);
  }

  listen(listener: ProviderAccountListener): void {
    this.listeners.push(listener);
  }

  async create(
    orgId: string,
    dto: CreateProviderAccountDto,
    options: { devSimulator?: boolean } = {},
  ): Promise<ProviderAccountDto> {
    const { secrets, problems } = accountSecretsFrom(dto);
    // Credentials are sent to this URL. Judged without DNS here: every request checks it again, resolved.
    const baseUrlRefusal = dto.apiBaseUrl && outboundUrlRefusal(dto.apiBaseUrl, dto.provider, this.urlPolicy);
    if (baseUrlRefusal) problems.push(`apiBaseUrl: ${baseUrlRefusal}`);
    if (dto.deleteProviderRecordingAfterStore && !PROVIDERS_DELETING_RECORDINGS.includes(dto.provider)) {
      problems.push(`deleteProviderRecordingAfterStore: ${dto.provider}'s API cannot delete recordings`);
    }
    if (problems.length > 0)
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'Invalid provider account', { problems });
    const id = randomUUID();
    const { keyId, sealed } = this.box.seal(JSON.stringify(secrets), sealedFor(id));
    const entity = this.orgAccounts(orgId).create({
      id,
      provider: dto.provider,
      accountKey: newAccountKey(dto.provider),
      name: dto.name,
      apiBaseUrl: dto.apiBaseUrl ?? null,
      ipAllowList: dto.ipAllowList ?? [],
      secretNames: secretNamesOf(secrets),
      secretsKeyId: keyId,
      secretsSealed: sealed,
      isDevSimulator: options.devSimulator ?? false,
      deleteProviderRecordingAfterStore: dto.deleteProviderRecordingAfterStore ?? false,
    });
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await orgScoped(manager.getRepository(ProviderAccountEntity))(orgId).save(entity);
      for (const listener of this.listeners) await listener.created?.(this.resolved(row, secrets), manager);
      return row;
    });
    return this.toDto(saved, await this.subscriptionsOf([saved.id]));
  }

  async list(orgId: string): Promise<ListDto<ProviderAccountDto>> {
    const rows = await this.orgAccounts(orgId).find({}, { createdAt: 'ASC' }, MAX_LISTED);
    const subscriptions = await this.subscriptionsOf(rows.map((r) => r.id));
    return { items: rows.map((row) => this.toDto(row, subscriptions)) };
  }

  async get(orgId: string, id: string): Promise<ProviderAccountDto> {
    const row = await this.orgAccounts(orgId).getOne({ id }, 'Provider account');
    return this.toDto(row, await this.subscriptionsOf([row.id]));
  }

  async delete(orgId: string, id: string): Promise<void> {
    const row = await this.orgAccounts(orgId).getOne({ id }, 'Provider account');
    const resolved = this.open(row);
    for (const listener of this.listeners) {
      await listener.deleting?.(resolved).catch((error: unknown) => {
        this.logger.warn(`cleanup for deleted account ${row.accountKey} failed: ${String(error)}`);
      });
    }
    await this.orgAccounts(orgId).delete({ id });
    this.cache.delete(row.accountKey);
  }

  /**
   * The account a webhook is addressed to, secrets opened, or undefined when there is none for
   * that provider. Served from memory for ACCOUNT_CACHE_TTL_MS: a deleted account stops being
   * accepted by other replicas within that time.
   */
  resolve(provider: TelephonyProvider, accountKey: string): Promise<ResolvedAccount | undefined> {
    const now = Date.now();
    const cached = this.cache.get(accountKey);
    if (cached && cached.expiresAt > now) return cached.account.then((a) => (a?.provider === provider ? a : undefined));
    if (this.cache.size >= MAX_CACHED) this.evictExpired(now);
    const account = this.accounts.findOne({ where: { accountKey } }).then((row) => (row ? this.open(row) : undefined));
    const entry = { expiresAt: now + this.config.ACCOUNT_CACHE_TTL_MS, account };
    this.cache.set(accountKey, entry);
    account.then(
      (found) => {
        if (!found) entry.expiresAt = Math.min(entry.expiresAt, Date.now() + UNKNOWN_CACHE_MS);
      },
      () => this.cache.delete(accountKey),
    );
    return account.then((a) => (a?.provider === provider ? a : undefined));
  }

  /**
   * One account by id, secrets opened (for jobs such as subscription renewal); undefined when it is
   * gone. Throws SERVICE_UNAVAILABLE when its secrets cannot be opened, so a job retries until the
   * operator fixes ENCRYPTION_KEYS.
   */
  async byId(id: string): Promise<ResolvedAccount | undefined> {
    const row = await this.accounts.findOne({ where: { id } });
    return row ? this.open(row) : undefined;
  }

  /** The account `accountKey` of `orgId` with its credentials opened; NOT_FOUND for another org's key. */
  async credentials(
    orgId: string,
    which: { id: string } | { accountKey: string },
  ): Promise<ProviderAccountCredentialsDto> {
    const row = await this.orgAccounts(orgId).getOne(which, 'Provider account');
    const { adapterAccount } = this.open(row);
    return {
      id: row.id,
      provider: row.provider,
      accountKey: row.accountKey,
      apiBaseUrl: row.apiBaseUrl,
      credentials: { ...adapterAccount.credentials },
      deleteProviderRecordingAfterStore: row.deleteProviderRecordingAfterStore,
    };
  }

  private open(row: ProviderAccountEntity): ResolvedAccount {
    let secrets: AccountSecrets;
    try {
      secrets = JSON.parse(
        this.box.open({ keyId: row.secretsKeyId, sealed: row.secretsSealed }, sealedFor(row.id)),
      ) as AccountSecrets;
    } catch (error) {
      // A missing or rotated-out key: the operator must fix ENCRYPTION_KEYS; until then providers retry.
      this.logger.error(`secrets of provider account ${row.accountKey} cannot be opened: ${String(error)}`);
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Provider account secrets are unavailable');
    }
    return this.resolved(row, secrets);
  }

  private resolved(row: ProviderAccountEntity, secrets: AccountSecrets): ResolvedAccount {
    return {
      id: row.id,
      orgId: row.orgId,
      provider: row.provider,
      accountKey: row.accountKey,
      webhookSecrets: webhookSecretsOf(row.provider, secrets, row.ipAllowList),
      adapterAccount: adapterAccountOf(row, secrets),
    };
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
    // Still full of live entries (a flood of distinct keys): start over rather than grow without bound.
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
  }

  private async subscriptionsOf(accountIds: string[]): Promise<Map<string, ProviderSubscriptionEntity>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.subscriptions.find({ where: { accountId: In(accountIds) } });
    return new Map(rows.map((row) => [row.accountId, row]));
  }

  private toDto(
    row: ProviderAccountEntity,
    subscriptions: Map<string, ProviderSubscriptionEntity>,
  ): ProviderAccountDto {
    const subscription = subscriptions.get(row.id);
    return {
      id: row.id,
      provider: row.provider,
      accountKey: row.accountKey,
      name: row.name,
      apiBaseUrl: row.apiBaseUrl,
      webhookUrls: providerWebhookUrls(row.provider, this.publicUrl.get(), row.accountKey),
      secretsSet: row.secretNames,
      ipAllowList: row.ipAllowList,
      deleteProviderRecordingAfterStore: row.deleteProviderRecordingAfterStore,
      subscription: subscription
        ? {
            status: subscription.status,
            expiresAt: subscription.expiresAt?.toISOString() ?? null,
            lastError: subscription.lastError,
          }
        : null,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
