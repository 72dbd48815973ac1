import type { MediaStreamProvider } from '@callfleet/contracts';

/** Who a stream is for: proven by its stream token, plus the provider's own ids from `start`. */
export interface MediaSessionInfo {
  /** Ours, unique per WebSocket. */
  sessionId: string;
  callId: string;
  orgId: string;
  provider: MediaStreamProvider;
  line?: string;
  providerCallId: string;
  streamId: string;
  /** We may send audio back (Twilio `<Connect><Stream>`, Exotel Voicebot). */
  bidirectional: boolean;
}

export type MediaSessionEndReason = 'stop' | 'closed' | 'idle-timeout' | 'shutdown' | 'error' | 'replaced';

/**
 * What a stream delivers to the rest of the service, in order, already decoded: 20 ms frames of PCM16
 * LE at 8 kHz (exactly 160 samples; a provider's bigger chunks are split, other rates resampled).
 */
export interface MediaSessionListener {
  /** `atMs` = audio time of the frame's first sample from stream start; `sequence` counts frames from 1. */
  frame?(frame: Int16Array, atMs: number, sequence: number): void;
  /** `frames` 20 ms frames are missing before the next frame (the provider's timestamps skipped them). */
  gap?(frames: number, atMs: number): void;
  dtmf?(digit: string, atMs: number): void;
  /** The provider played out a mark we sent. */
  mark?(name: string, atMs: number): void;
  /** Called once, last. */
  ended?(reason: MediaSessionEndReason, atMs: number): void;
}

/** A live media stream: one call's WebSocket, after its token was verified and `start` arrived. */
export interface MediaSession {
  readonly info: MediaSessionInfo;
  /** Audio ms received so far. */
  readonly atMs: number;
  subscribe(listener: MediaSessionListener): () => void;
  /**
   * Queues PCM16 LE 8 kHz audio for playing into the call (bidirectional streams only; returns false
   * otherwise). Encoded and sent in the provider's format and chunk sizes; bounded (oldest dropped, counted).
   */
  play(pcm: Int16Array): boolean;
  /** Drops what is queued and tells the provider to stop playing (Twilio/Exotel `clear`). */
  clear(): boolean;
  /**
   * Sends a mark after what is queued; the provider echoes it when played (reported to `mark`). False
   * on a listen-only stream, or when the play queue holds too many pieces already (the mark is dropped).
   */
  mark(name: string): boolean;
  /** Audio ms queued for playing. */
  readonly queuedPlayMs: number;
}
