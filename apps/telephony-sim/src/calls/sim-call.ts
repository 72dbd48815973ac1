import type { ProviderFlavour } from '../accounts/sim-account';
import type { MediaStreamRecord, StreamKind } from '../media/media-stream-session';
import type { RecordingInfo } from '../recordings/recording-info';
import type { DialTarget, StreamRequest, TwimlStep } from '../twiml/twiml';
import type { WebhookDelivery } from '../webhooks/webhook-delivery';
import type { ScenarioName, ScenarioPlan } from './scenarios';

/** Twilio's call statuses; the other flavours map theirs from these. */
export type CallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'no-answer'
  | 'failed'
  | 'canceled';

export const FINAL_STATUSES: ReadonlySet<CallStatus> = new Set([
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
]);

/** What the far end is doing; each phase plays one sound, which is what the recording holds. */
export type FarEndPhase =
  | 'dialing'
  | 'ringing'
  | 'ivr-menu'
  | 'hold'
  | 'live-agent'
  | 'announcement'
  | 'welcome-announcement'
  | 'voicemail-greeting'
  | 'voicemail-recording'
  | 'bridged'
  | 'ended';

interface Stamp {
  at: string;
  /** Simulated seconds since the call was created. */
  simSeconds: number;
}

/** One thing that happened to a call, for the admin API (what tests assert on). */
export type HistoryEntry = Stamp &
  (
    | { type: 'api-request'; method: string; path: string; params?: unknown; status: number }
    | { type: 'status'; status: CallStatus }
    | { type: 'far-end'; phase: FarEndPhase }
    | { type: 'twiml'; step: TwimlStep }
    | { type: 'webhook'; delivery: WebhookDelivery }
    | { type: 'digits'; digits: string }
    | { type: 'stream-requested'; stream: StreamRequest; bidirectional: boolean }
    | {
        type: 'stream';
        event: 'connected' | 'closed' | 'failed';
        streamSid: string;
        kind: StreamKind;
        error?: string;
        closeCode?: number;
        closedBy?: 'sim' | 'server';
      }
    | { type: 'far-end-digits'; digits: string }
    | { type: 'bridged'; target: DialTarget }
    | { type: 'answered-by'; answeredBy: string }
    | { type: 'hang-up'; by: 'api' | 'far-end' | 'instructions'; reason: string }
    | { type: 'error'; message: string; code?: number }
  );

type WithoutStamp<T> = T extends unknown ? Omit<T, 'at' | 'simSeconds'> : never;
/** A history entry before it is stamped with the time it happened. */
export type HistoryInput = WithoutStamp<HistoryEntry>;

/** Provider-specific request options, kept as the provider named them. */
export interface TwilioCallOptions {
  url?: string;
  method: 'GET' | 'POST';
  twiml?: string;
  fallbackUrl?: string;
  fallbackMethod: 'GET' | 'POST';
  statusCallback?: string;
  statusCallbackMethod: 'GET' | 'POST';
  statusCallbackEvents: string[];
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  asyncAmd: boolean;
  asyncAmdStatusCallback?: string;
  asyncAmdStatusCallbackMethod: 'GET' | 'POST';
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod: 'GET' | 'POST';
  recordingStatusCallbackEvents: string[];
  recordingChannels: 'mono' | 'dual';
  sendDigits?: string;
}

export interface ExotelCallOptions {
  callerId: string;
  flowUrl?: string;
  /** Second number: Exotel dials it once `From` answers and bridges the two. */
  connectTo?: string;
  statusCallback?: string;
  statusCallbackEvents: string[];
  statusCallbackJson: boolean;
  customField?: string;
}

export interface RingCentralCallIds {
  telephonySessionId: string;
  sessionId: string;
  partyId: string;
  /** Notification sequence (body.sequence). */
  sequence: number;
}

export interface SimCall {
  sid: string;
  accountSid: string;
  flavour: ProviderFlavour;
  from: string;
  to: string;
  direction: 'outbound-api';
  status: CallStatus;
  scenario: ScenarioName;
  plan: ScenarioPlan;
  /** Earlier calls to the same number on the account (picks the seeded scenario). */
  attempt: number;
  timeScale: number;
  ringTimeoutSeconds: number;
  record: boolean;
  createdAt: string;
  answeredAt?: string;
  endedAt?: string;
  /** Simulated seconds from answer to hang-up. */
  durationSeconds?: number;
  farEndPhase: FarEndPhase;
  answeredBy?: string;
  bridgedTo?: DialTarget;
  /** Streams requested by the instructions, as requested. */
  streams: StreamRequest[];
  /** The media streams opened, with what was sent and received on each. */
  mediaStreams: MediaStreamRecord[];
  digitsReceived: string[];
  recording?: RecordingInfo;
  /** Scheme and host the simulator was called on; recording URLs are built from it. */
  providerBaseUrl: string;
  twilio?: TwilioCallOptions;
  exotel?: ExotelCallOptions;
  ringcentral?: RingCentralCallIds;
  history: HistoryEntry[];
}
