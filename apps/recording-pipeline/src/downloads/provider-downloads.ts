import { ErrorCode, FleetHeader, ProviderAccountCommands, type TelephonyProvider } from '@callfleet/contracts';
import { AppException, MetricsService, NatsRpcClient } from '@callfleet/platform';
import { DEFAULT_PROVIDER_POLICY, ProviderPolicyRegistry } from '@callfleet/resilience';
import {
  ExotelAdapter,
  outboundUrlPolicyFor,
  type ProviderAccount,
  type RecordingDownload,
  RingCentralAdapter,
  type TelephonyProviderAdapter,
  TwilioAdapter,
} from '@callfleet/telephony';
import { Injectable } from '@nestjs/common';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import type { RecordingEntity } from '../recordings/recording.entity';

/** A download opened, and whether the account wants the provider's copy deleted once ours is verified. */
export type ProviderRecordingDownload = RecordingDownload & { deleteProviderCopyAfterStore: boolean };

/**
 * Opens a recording's download at its provider (and deletes the provider's copy when asked to): the
 * account's credentials from webhook-ingest
 * (`provider-accounts.v1.credentials`, fleet only), then the provider's adapter, which sends them
 * only to the provider's own origin, checks every URL and redirect hop against the outbound URL
 * policy, and runs the request through the account's policy (timeout, retries, one breaker per
 * account). The body is a stream: nothing here reads it.
 */
@Injectable()
export class ProviderDownloads {
  private readonly adapters: ReadonlyMap<TelephonyProvider, TelephonyProviderAdapter>;

  constructor(
    private readonly rpc: NatsRpcClient,
    config: RecordingPipelineConfig,
    metrics: MetricsService,
  ) {
    const policies = new ProviderPolicyRegistry(metrics, {
      ...DEFAULT_PROVIDER_POLICY,
      timeoutMs: config.RECORDING_PROVIDER_TIMEOUT_MS,
    });
    const urlPolicy = outboundUrlPolicyFor(config.NODE_ENV);
    this.adapters = new Map<TelephonyProvider, TelephonyProviderAdapter>([
      ['twilio', new TwilioAdapter({ policies, urlPolicy })],
      ['exotel', new ExotelAdapter({ policies, urlPolicy })],
      ['ringcentral', new RingCentralAdapter({ policies, urlPolicy })],
    ]);
  }

  async open(recording: RecordingEntity): Promise<ProviderRecordingDownload> {
    const adapter = this.adapterFor(recording);
    const { account, deleteProviderCopyAfterStore } = await this.account(recording);
    const download = await adapter.fetchRecording(account, {
      recordingId: recording.providerRecordingId,
      url: recording.sourceUrl,
      format: recording.format,
    });
    return Object.assign(download, { deleteProviderCopyAfterStore });
  }

  /** Deletes the provider's copy (a copy already gone counts as deleted); adapters that cannot, throw. */
  async deleteProviderCopy(recording: RecordingEntity): Promise<void> {
    const adapter = this.adapterFor(recording);
    const { account } = await this.account(recording);
    await adapter.deleteRecording(account, { recordingId: recording.providerRecordingId });
  }

  private adapterFor(recording: RecordingEntity): TelephonyProviderAdapter {
    const adapter = this.adapters.get(recording.provider);
    if (!adapter) throw new AppException(ErrorCode.VALIDATION_ERROR, `No downloads from ${recording.provider}`);
    return adapter;
  }

  private async account(
    recording: RecordingEntity,
  ): Promise<{ account: ProviderAccount; deleteProviderCopyAfterStore: boolean }> {
    // The recording's org in the fleet headers: webhook-ingest answers NOT_FOUND for another org's account.
    const found = await this.rpc.call(
      ProviderAccountCommands.Credentials,
      { accountKey: recording.accountKey },
      { headers: { [FleetHeader.ORG_ID]: recording.orgId } },
    );
    return {
      account: {
        accountKey: found.accountKey,
        ...(found.apiBaseUrl ? { apiBaseUrl: found.apiBaseUrl } : {}),
        credentials: found.credentials,
      },
      deleteProviderCopyAfterStore: found.deleteProviderRecordingAfterStore,
    };
  }
}
