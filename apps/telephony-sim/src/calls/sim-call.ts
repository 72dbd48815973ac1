import type { ProviderFlavour } from '../accounts/sim-account';
import type { MediaStreamRecord, StreamKind } from '../media/media-stream-session';
import type { RecordingInfo } from '../recordings/recording-info';
import type { DialTarget, StreamRequest, TwimlStep } from '../twiml/twiml';
import type { WebhookDelivery } from '../webhooks/webhook-delivery';
import type { DestinationScenarioName, DialCallStatus } from './destinations';
import type { ScenarioName, ScenarioPlan, ScenarioSource } from './scenarios';

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
  /** A person on the line waiting while our side dials a destination (a hand-off): silent, listening. */
  | 'waiting'
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
    | { type: 'bridged'; target: DialTarget; dialCallSid?: string }
    | { type: 'unbridged'; dialCallSid?: string; reason: string }
    | { type: 'dial'; dialCallSid: string; status: DialAttemptStatus; destination: DialTarget }
    | { type: 'dial-whisper'; dialCallSid: string; url: string }
    | { type: 'answered-by'; answeredBy: string }
    | { type: 'hang-up'; by: 'api' | 'far-end' | 'instructions'; reason: string }
    | { type: 'error'; message: string; code?: number }
  );

type WithoutStamp<T> = T extends unknown ? Omit<T, 'at' | 'simSeconds'> : never;
/** A history entry before it is stamped with the time it happened. */
export type HistoryInput = WithoutStamp<HistoryEntry>;

export type DialAttemptStatus = 'ringing' | 'in-progress' | DialCallStatus;

/** One destination dialed by a `<Dial>` (Twilio's child call, whose sid is the action's `DialCallSid`). */
export interface DialAttempt {
  dialCallSid: string;
  destination: DialTarget;
  /** What the destination does (README: "Dialed destinations"). */
  scenario: DestinationScenarioName;
  /** Earlier dials of this destination on the account (the `111K` numbers answer from dial K on). */
  attempt: number;
  status: DialAttemptStatus;
  timeoutSeconds: number;
  /** The `<Dial action>` told the outcome, if it had one. */
  action?: string;
  startedAt: string;
  answeredAt?: string;
  endedAt?: string;
  /** Simulated seconds from the destination's answer to the end of the bridge (Twilio's DialCallDuration). */
  durationSeconds?: number;
  /** `<Number sendDigits>` pressed to the destination once it answered. */
  digitsSent?: string;
}

/** The far end's current bridge: a `<Dial>` destination that answered, or a transfer target. */
export interface CurrentBridge {
  target: DialTarget;
  /** The dial attempt, for a `<Dial>`; absent for a RingCentral transfer. */
  dialCallSid?: string;
  since: string;
}

/** What our side played to the far end: what a test asserts the agent heard (the hold message, the apology). */
export type HeardEntry = { at: string; simSeconds: number } & HeardInput;
export type HeardInput =
  | { kind: 'say'; text: string }
  | { kind: 'play'; url: string }
  | { kind: 'pause'; seconds: number }
  | { kind: 'digits'; digits: string };

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
  /** How the scenario was chosen: the number's fixed one, the hunting line's seeded pick, or the general seeded pick. */
  scenarioSource: ScenarioSource;
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
  /** The last party the far end was bridged to (stays after the bridge ends). */
  bridgedTo?: DialTarget;
  /** Who the far end is bridged to now; null when nobody (never bridged, bridge ended, call over). */
  bridge: CurrentBridge | null;
  /** Every destination `<Dial>` rang, in order, with its outcome. */
  dials: DialAttempt[];
  /** What our side's TwiML played to the far end (`<Say>` text, `<Play>` URLs and digits, `<Pause>`s); last 500. */
  heard: HeardEntry[];
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
