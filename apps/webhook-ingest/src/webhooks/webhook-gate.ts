import { ACCOUNT_KEY_PATTERN, ErrorCode } from '@callfleet/contracts';
import { AppException, RequestContext } from '@callfleet/platform';
import { PROVIDER_WEBHOOKS, type WebhookRequest } from '@callfleet/telephony';
import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProviderAccountsService, type ResolvedAccount } from '../provider-accounts/provider-accounts.service';
import { PublicBaseUrl } from '../public-url/public-base-url';
import { AccountRateLimit } from './account-rate-limit';
import type { WebhookDelivery } from './webhook-delivery';
import { toWebhookRequest } from './webhook-request';

/**
 * Who may come in: the account the route names must exist for that provider, the request must
 * prove it comes from the provider (constant-time checks in libs/telephony), and the account must be
 * within its budget. A refused request's body is never parsed.
 */
@Injectable()
export class WebhookGate {
  private readonly logger = new Logger('WebhookGate');

  constructor(
    private readonly accounts: ProviderAccountsService,
    private readonly rateLimit: AccountRateLimit,
    private readonly publicUrl: PublicBaseUrl,
  ) {}

  /** The account addressed and the request in the verifiers' terms; 404 when there is no such account. */
  async identify(
    delivery: WebhookDelivery,
    request: FastifyRequest,
  ): Promise<{ account: ResolvedAccount; webhook: WebhookRequest }> {
    const { provider, accountKey, pathSecret } = delivery.route;
    // A key we could never have issued is not looked up.
    const account = ACCOUNT_KEY_PATTERN.test(accountKey) ? await this.lookUp(provider, accountKey) : undefined;
    if (!account) {
      delivery.verification = 'unknown-account';
      delivery.outcome = 'unknown-account';
      throw new AppException(ErrorCode.NOT_FOUND, 'No such provider account');
    }
    // Everything this request publishes or asks carries the account's org.
    RequestContext.assign({ orgId: account.orgId });
    const webhook = toWebhookRequest(request, this.publicUrl.ofRequest(request), request.ip, pathSecret);
    return { account, webhook };
  }

  private async lookUp(provider: ResolvedAccount['provider'], accountKey: string) {
    try {
      return await this.accounts.resolve(provider, accountKey);
    } catch (error) {
      if (error instanceof AppException) throw error;
      // The database is away: a 503 makes the provider come back, where a 500 might not.
      this.logger.warn(`provider account lookup failed: ${String(error)}`);
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Provider accounts are unavailable; retry later');
    }
  }

  /**
   * 401 unless the request is the provider's; 503 (with Retry-After) when the account is over
   * budget: most providers drop a webhook answered 4xx but retry 5xx, and the event is real.
   */
  admit(delivery: WebhookDelivery, account: ResolvedAccount, webhook: WebhookRequest, reply: FastifyReply): void {
    if (!PROVIDER_WEBHOOKS[account.provider].verify(webhook, account.webhookSecrets)) {
      delivery.verification = 'invalid';
      delivery.outcome = 'invalid-signature';
      throw new AppException(ErrorCode.UNAUTHORIZED, 'Webhook signature verification failed');
    }
    delivery.verification = 'valid';
    const decision = this.rateLimit.hit(account.accountKey);
    if (!decision.allowed) {
      delivery.outcome = 'rate-limited';
      void reply.header('retry-after', String(decision.retryAfterSeconds));
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Too many webhooks for this provider account', {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }
}
