/** One instruction of a TwiML document, as the simulator follows it. */
export type TwimlStep =
  | { verb: 'Play'; digits: string; url?: undefined; loop: number }
  | { verb: 'Play'; url: string; digits?: undefined; loop: number }
  | { verb: 'Say'; text: string; loop: number }
  | { verb: 'Pause'; lengthSeconds: number }
  | { verb: 'Dial'; targets: DialTarget[]; timeoutSeconds: number; action?: string; callerId?: string }
  | { verb: 'Connect'; stream?: StreamRequest }
  | { verb: 'Start'; stream?: StreamRequest }
  | { verb: 'Gather'; steps: TwimlStep[]; timeoutSeconds: number; action?: string }
  | { verb: 'Redirect'; url: string; method: 'GET' | 'POST' }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: string }
  | { verb: 'Unsupported'; name: string };

/** Where a call is bridged to: a TwiML `<Dial>` noun, or a RingCentral transfer target. */
export interface DialTarget {
  kind: 'number' | 'queue' | 'client' | 'sip' | 'conference' | 'extension' | 'voicemail';
  value: string;
}

/** `<Stream>` inside `<Connect>` (bidirectional) or `<Start>` (listen only). */
export interface StreamRequest {
  url: string;
  name?: string;
  track?: string;
  parameters: Record<string, string>;
}
