/** One instruction of a TwiML document, as the simulator follows it. */
export type TwimlStep =
  | { verb: 'Play'; digits: string; url?: undefined; loop: number }
  | { verb: 'Play'; url: string; digits?: undefined; loop: number }
  | { verb: 'Say'; text: string; loop: number }
  | { verb: 'Pause'; lengthSeconds: number }
  | DialStep
  | { verb: 'Connect'; stream?: StreamRequest; action?: string; method?: 'GET' | 'POST' }
  | { verb: 'Start'; stream?: StreamRequest }
  /** `<Stop><Stream name>`: ends a `<Start><Stream>` fork (every fork when no name is given). */
  | { verb: 'Stop'; streamName?: string }
  | { verb: 'Gather'; steps: TwimlStep[]; timeoutSeconds: number; action?: string }
  | { verb: 'Redirect'; url: string; method: 'GET' | 'POST' }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: string }
  | { verb: 'Unsupported'; name: string };

/** `<Dial>`: rings its nouns at once (the first to answer is bridged), then tells `action` the outcome. */
export interface DialStep {
  verb: 'Dial';
  targets: DialTarget[];
  /** Seconds to ring before no-answer (Twilio's default 30, 5-600). */
  timeoutSeconds: number;
  action?: string;
  method: 'GET' | 'POST';
  callerId?: string;
}

/** Where a call is bridged to: a TwiML `<Dial>` noun, or a RingCentral transfer target. */
export interface DialTarget {
  kind: 'number' | 'queue' | 'client' | 'sip' | 'conference' | 'extension' | 'voicemail';
  value: string;
  /** `<Number sendDigits>`: keys pressed to the destination once it answers (an extension behind a main number). */
  sendDigits?: string;
  /** `<Number url>` / `<Sip url>` (Twilio's whisper): fetched when the destination answers, before the bridge. */
  url?: string;
  urlMethod?: 'GET' | 'POST';
}

/** `<Stream>` inside `<Connect>` (bidirectional) or `<Start>` (listen only). */
export interface StreamRequest {
  url: string;
  name?: string;
  /** `inbound_track` (default), `outbound_track` or `both_tracks`; `<Connect>` streams are inbound only. */
  track?: string;
  parameters: Record<string, string>;
}
