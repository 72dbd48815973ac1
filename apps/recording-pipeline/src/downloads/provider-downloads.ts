import { MetricsService, NatsRpcClient } from '@callfleet/platform';
import { ProviderAccess, type RecordingDownload } from '@callfleet/telephony';
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
  private readonly access: ProviderAccess;

  constructor(rpc: NatsRpcClient, config: RecordingPipelineConfig, metrics: MetricsService) {
    this.access = new ProviderAccess(rpc, metrics, {
      timeoutMs: config.RECORDING_PROVIDER_TIMEOUT_MS,
      nodeEnv: config.NODE_ENV,
    });
  }

  async open(recording: RecordingEntity): Promise<ProviderRecordingDownload> {
    const opened = await this.access.account(recording.orgId, { accountKey: recording.accountKey });
    const download = await this.access.adapter(recording.provider).fetchRecording(opened.account, {
      recordingId: recording.providerRecordingId,
      url: recording.sourceUrl,
      format: recording.format,
    });
    return Object.assign(download, { deleteProviderCopyAfterStore: opened.deleteProviderRecordingAfterStore });
  }

  /** Deletes the provider's copy (a copy already gone counts as deleted); adapters that cannot, throw. */
  async deleteProviderCopy(recording: RecordingEntity): Promise<void> {
    const opened = await this.access.account(recording.orgId, { accountKey: recording.accountKey });
    await this.access.adapter(recording.provider).deleteRecording(opened.account, {
      recordingId: recording.providerRecordingId,
    });
  }
}
