import { ErrorCode, FleetHeader, ProviderAccountCommands, type TelephonyProvider } from '@callfleet/contracts';
import { AppException, type MetricsService, type NatsRpcClient } from '@callfleet/platform';
import { DEFAULT_PROVIDER_POLICY, ProviderPolicyRegistry } from '@callfleet/resilience';
import { ExotelAdapter } from '../exotel/exotel.adapter';
import { RingCentralAdapter } from '../ringcentral/ringcentral.adapter';
import { TwilioAdapter } from '../twilio/twilio.adapter';
import { outboundUrlPolicyFor } from './outbound-url-policy';
import type { ProviderAccount } from './provider-account';
import type { TelephonyProviderAdapter } from './telephony-provider-adapter';

/** One provider account of an org, opened for calling its provider's REST API. */
export interface OpenedProviderAccount {
  id: string;
  provider: TelephonyProvider;
  account: ProviderAccount;
  /** The recording pipeline's setting: delete the provider's copy once ours is verified. */
  deleteProviderRecordingAfterStore: boolean;
}

export interface ProviderAccessOptions {
  /** Per request to the provider (the policy retries within its own budget). */
  timeoutMs: number;
  /** Picks the outbound URL policy (development allows loopback, for the simulator). */
  nodeEnv: string | undefined;
}

/**
 * How a fleet service acts at a provider on an org's behalf, written once: the account's credentials
 * from webhook-ingest (`provider-accounts.v1.credentials`, fleet only, for the org in the headers, so
 * another org's account is not found), and the provider's adapter, whose every request goes through
 * the account's resilience policy (timeout, retries, one breaker per account) and the outbound URL policy.
 */
export class ProviderAccess {
  private readonly adapters: ReadonlyMap<TelephonyProvider, TelephonyProviderAdapter>;

  constructor(
    private readonly rpc: NatsRpcClient,
    metrics: MetricsService,
    options: ProviderAccessOptions,
  ) {
    const policies = new ProviderPolicyRegistry(metrics, { ...DEFAULT_PROVIDER_POLICY, timeoutMs: options.timeoutMs });
    const urlPolicy = outboundUrlPolicyFor(options.nodeEnv);
    this.adapters = new Map<TelephonyProvider, TelephonyProviderAdapter>([
      ['twilio', new TwilioAdapter({ policies, urlPolicy })],
      ['exotel', new ExotelAdapter({ policies, urlPolicy })],
      ['ringcentral', new RingCentralAdapter({ policies, urlPolicy })],
    ]);
  }

  /** The adapter of a provider we can act at; any other (generic webhooks, jambonz) is refused. */
  adapter(provider: TelephonyProvider): TelephonyProviderAdapter {
    const adapter = this.adapters.get(provider);
    if (!adapter) throw new AppException(ErrorCode.VALIDATION_ERROR, `Calls through ${provider} are not supported`);
    return adapter;
  }

  /** The org's account, by our key (from provider events) or by id (from the API); NOT_FOUND for another org's. */
  async account(orgId: string, which: { accountKey: string } | { id: string }): Promise<OpenedProviderAccount> {
    const found = await this.rpc.call(ProviderAccountCommands.Credentials, which, {
      headers: { [FleetHeader.ORG_ID]: orgId },
    });
    return {
      id: found.id,
      provider: found.provider,
      account: {
        accountKey: found.accountKey,
        ...(found.apiBaseUrl ? { apiBaseUrl: found.apiBaseUrl } : {}),
        credentials: found.credentials,
      },
      deleteProviderRecordingAfterStore: found.deleteProviderRecordingAfterStore,
    };
  }
}
