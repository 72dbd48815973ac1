import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import type { ProviderPolicyRegistry } from '@callfleet/resilience';
import {
  apiBaseUrl,
  type ProviderAccount,
  ProviderHttpClient,
  RINGCENTRAL_API_BASE_URL,
  requireCredentials,
} from '@callfleet/telephony';

/** Telephony session events of every extension of the account: what call control needs. */
export const TELEPHONY_SESSIONS_FILTER = '/restapi/v1.0/account/~/telephony/sessions';

export interface RingCentralSubscription {
  id: string;
  expiresAt: Date;
}

interface SubscriptionResource {
  id?: unknown;
  expirationTime?: unknown;
}

function readSubscription(resource: SubscriptionResource): RingCentralSubscription {
  const expiresAt = typeof resource.expirationTime === 'string' ? new Date(resource.expirationTime) : undefined;
  if (typeof resource.id !== 'string' || !resource.id || !expiresAt || Number.isNaN(expiresAt.getTime())) {
    throw new AppException(
      ErrorCode.EXTERNAL_SERVICE_ERROR,
      'RingCentral answered a subscription without id or expiry',
    );
  }
  return { id: resource.id, expiresAt };
}

/**
 * RingCentral's WebHook subscription API, through the account's resilience policy (the same
 * breaker as its call control). Creating is not retried unless RingCentral surely did not act, so
 * a timeout never leaves two subscriptions; renewing and deleting are.
 */
export class RingCentralSubscriptionClient {
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly policies: ProviderPolicyRegistry,
    fetchImpl?: typeof fetch,
  ) {
    this.http = new ProviderHttpClient(fetchImpl, { provider: 'ringcentral' });
  }

  async create(
    account: ProviderAccount,
    webhook: { address: string; verificationToken: string; expiresInSeconds: number },
  ): Promise<RingCentralSubscription> {
    const resource = await this.http.sendForJson<SubscriptionResource>(this.policy(account), {
      ...this.request(account, 'POST', '/restapi/v1.0/subscription', {
        eventFilters: [TELEPHONY_SESSIONS_FILTER],
        deliveryMode: {
          transportType: 'WebHook',
          address: webhook.address,
          verificationToken: webhook.verificationToken,
        },
        expiresIn: webhook.expiresInSeconds,
      }),
      idempotent: false,
    });
    return readSubscription(resource);
  }

  async renew(account: ProviderAccount, subscriptionId: string): Promise<RingCentralSubscription> {
    const resource = await this.http.sendForJson<SubscriptionResource>(this.policy(account), {
      ...this.request(account, 'POST', `/restapi/v1.0/subscription/${encodeURIComponent(subscriptionId)}/renew`),
      idempotent: true,
    });
    return readSubscription(resource);
  }

  async delete(account: ProviderAccount, subscriptionId: string): Promise<void> {
    await this.http.sendForJson(this.policy(account), {
      ...this.request(account, 'DELETE', `/restapi/v1.0/subscription/${encodeURIComponent(subscriptionId)}`),
      idempotent: true,
    });
  }

  private request(account: ProviderAccount, method: 'POST' | 'DELETE', path: string, body?: unknown) {
    const { accessToken } = requireCredentials(account, 'ringcentral', ['accessToken']);
    return {
      method,
      url: `${apiBaseUrl(account, RINGCENTRAL_API_BASE_URL)}${path}`,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
  }

  private policy(account: ProviderAccount) {
    return this.policies.get(`ringcentral:${account.accountKey}`);
  }
}
