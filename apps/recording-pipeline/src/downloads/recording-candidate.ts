import type { TelephonyIngressEvent, TelephonyProvider } from '@callfleet/contracts';
import type { RecordingFormat } from '../recordings/recording.entity';

/** A finished provider recording to copy, read from one ingress event. */
export interface RecordingCandidate {
  orgId: string;
  provider: TelephonyProvider;
  accountKey: string;
  providerRecordingId: string;
  providerCallId: string;
  url: string;
  format: RecordingFormat;
  providerDurationSec: number | null;
}

/** Providers whose recordings can be downloaded through an adapter of libs/telephony. */
const DOWNLOADABLE: readonly TelephonyProvider[] = ['twilio', 'exotel', 'ringcentral'];

/**
 * What we ask for and store: Twilio serves both and WAV is its original (no transcoding loss);
 * Exotel and RingCentral serve MP3 unless the URL names WAV.
 */
export function recordingFormatOf(provider: TelephonyProvider, url: string): RecordingFormat {
  const path = (() => {
    try {
      return new URL(url).pathname.toLowerCase();
    } catch {
      return '';
    }
  })();
  if (path.endsWith('.wav')) return 'wav';
  if (path.endsWith('.mp3')) return 'mp3';
  return provider === 'twilio' ? 'wav' : 'mp3';
}

/**
 * The recording an event announces, or undefined for one that announces nothing to copy yet (in
 * progress, absent, failed at the provider) or from a provider we cannot download from. Exotel's
 * terminal status callback carrying a RecordingUrl reaches us as a recording event already (its
 * parser emits one), so recording events are the one input.
 */
export function recordingCandidateOf(event: TelephonyIngressEvent): RecordingCandidate | undefined {
  const { recording } = event;
  if (event.kind !== 'recording' || !recording || recording.status !== 'completed' || !event.callId) return undefined;
  if (!DOWNLOADABLE.includes(event.provider)) return undefined;
  return {
    orgId: event.orgId,
    provider: event.provider,
    accountKey: event.accountKey,
    providerRecordingId: recording.recordingId,
    providerCallId: event.callId,
    url: recording.url,
    format: recordingFormatOf(event.provider, recording.url),
    providerDurationSec: recording.durationSec ?? null,
  };
}
