import type { Readable } from 'node:stream';
import type { CallStatus, NormalizedTelephonyEvent, TelephonyProvider } from '@callfleet/contracts';
import type { WebhookParseContext, WebhookRequest, WebhookSecrets } from '../webhooks/webhook-request';
import type { ProviderAccount } from './provider-account';
import type { LineLister, ProviderLinePage } from './provider-lines';

export interface PlaceCallRequest {
  /** The number dialed (E.164). */
  to: string;
  /** Caller id (E.164); RingCentral: the deviceId of the extension's device that places the call. */
  from: string;
  /** Where the provider fetches the call flow (Twilio `Url`, Exotel `Url`). */
  flowUrl?: string;
  /** Inline instructions instead of `flowUrl` (Twilio `Twiml`, at most 4000 characters). */
  instructions?: string;
  statusCallbackUrl?: string;
  /** Twilio progress events to report; default all four. */
  statusEvents?: readonly ('initiated' | 'ringing' | 'answered' | 'completed')[];
  /** Provider answering-machine detection; results come as `amd` events to `amdCallbackUrl`. */
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  amdCallbackUrl?: string;
  record?: boolean;
  recordingStatusCallbackUrl?: string;
  recordingChannels?: 'mono' | 'dual';
  /** How long to ring before giving up. */
  ringTimeoutSec?: number;
  /** Longest the call may last. */
  timeLimitSec?: number;
}

export interface PlacedCall {
  /** Provider call id (Twilio CallSid, Exotel CallSid, RingCentral telephonySessionId). */
  callId: string;
  /** RingCentral: our party in the session (transfers need it). */
  partyId?: string;
  status: CallStatus;
}

export interface SendDigitsRequest {
  callId: string;
  /** DTMF: 0-9, *, #; `w` waits half a second. */
  digits: string;
  /** Twilio: the call's flow URL to fetch again after the digits; without it the line is held open. */
  resumeUrl?: string;
}

export type TransferTarget =
  | { phoneNumber: string; sendDigits?: string }
  | { extensionNumber: string }
  | { sipUri: string };

export interface TransferRequest {
  callId: string;
  /** RingCentral: the party to transfer (from the call's events). */
  partyId?: string;
  target: TransferTarget;
  callerId?: string;
  ringTimeoutSec?: number;
  /** Twilio: where the dial outcome is posted, so a destination that does not pick up can be retried. */
  actionUrl?: string;
}

/** Replaces what a live call is doing with new instructions (Twilio: a call update with `Twiml`). */
export interface UpdateInstructionsRequest {
  callId: string;
  /** The provider's instruction document (TwiML), at most 4000 characters. */
  instructions: string;
}

export interface HangUpRequest {
  callId: string;
}

export interface RecordingRequest {
  recordingId: string;
  /** The URL from the recording event; only fetched with credentials when it is the provider's own origin. */
  url?: string;
  format?: 'wav' | 'mp3';
}

export interface RecordingDownload {
  /** The media, streamed; errors if the provider cuts the download short. */
  stream: Readable;
  contentType: string;
  /** From Content-Length; compare with the bytes received to catch truncation. */
  contentLength?: number;
}

/**
 * What a provider's REST API lets us do: during a call (Exotel's v1 API places calls only), and
 * afterwards with its copy of a recording (Twilio only: neither Exotel's nor RingCentral's API
 * deletes a call recording).
 */
export interface AdapterCapabilities {
  sendDigits: boolean;
  transfer: boolean;
  hangUp: boolean;
  deleteRecording: boolean;
}

/**
 * One provider behind one interface. Adapters are stateless apart from the shared policies: the
 * account comes with every call, and every outbound request goes through that account's
 * resilience policy (timeout, retry on transient failures, breaker, bulkhead).
 */
export interface TelephonyProviderAdapter extends LineLister {
  readonly provider: TelephonyProvider;
  readonly capabilities: AdapterCapabilities;
  placeCall(account: ProviderAccount, request: PlaceCallRequest): Promise<PlacedCall>;
  sendDigits(account: ProviderAccount, request: SendDigitsRequest): Promise<void>;
  transfer(account: ProviderAccount, request: TransferRequest): Promise<void>;
  updateInstructions(account: ProviderAccount, request: UpdateInstructionsRequest): Promise<void>;
  hangUp(account: ProviderAccount, request: HangUpRequest): Promise<void>;
  fetchRecording(account: ProviderAccount, request: RecordingRequest): Promise<RecordingDownload>;
  /** Deletes the provider's copy; one already gone counts as deleted (safe to retry). */
  deleteRecording(account: ProviderAccount, request: { recordingId: string }): Promise<void>;
  /**
   * One page of the numbers / extensions calls can go out from; `pageToken` is the previous page's
   * `nextPageToken` (see `allProviderLines` for every page). Read-only, so retried like any GET.
   */
  listLines(account: ProviderAccount, pageToken?: string): Promise<ProviderLinePage>;
  parseWebhook(request: WebhookRequest, context: WebhookParseContext): NormalizedTelephonyEvent[];
  verifySignature(request: WebhookRequest, secrets: WebhookSecrets): boolean;
}
