/**
 * What media-stream publishes on `media.v1.signals.<callId>` (plain JSON, one object per message).
 * `atMs` is audio time from the stream's start (not wall-clock), so a replayed file gives the same
 * signals at the same `atMs`.
 */
export const AUDIO_CLASSES = ['speech', 'music', 'silence', 'tone'] as const;
export type AudioClass = (typeof AUDIO_CLASSES)[number];

/** The audio changed class (published on every change, after the classifier's hysteresis). */
export interface AudioClassSignal {
  callId: string;
  atMs: number;
  kind: AudioClass;
  /** 0..1 */
  confidence: number;
}

/** A segment replays audio heard before: earlier in this call (`scope: call`) or on the line before (`scope: line`). */
export interface RepeatSignal {
  callId: string;
  atMs: number;
  kind: 'repeat';
  /** Where the earlier segment started: audio ms in this call (`call`), or in the call that first heard it (`line`). */
  of: number;
  scope: 'call' | 'line';
  confidence: number;
}

/** A DTMF digit heard on the stream (as the provider reported it). */
export interface DtmfSignal {
  callId: string;
  atMs: number;
  kind: 'dtmf';
  digit: string;
}

/** The decision: a live person is speaking on the call. Published once per call. */
export interface LiveHumanSignal {
  callId: string;
  atMs: number;
  kind: 'live-human';
  confidence: number;
  /** Why, in words a person reading the leg's history understands (e.g. `novel-speech`, `turn-taking-pause`). */
  evidence: string[];
}

/** The stream began (after its token was verified) or ended. */
export interface StreamLifecycleSignal {
  callId: string;
  atMs: number;
  kind: 'stream-started' | 'stream-stopped';
  provider: string;
  /** stream-stopped only: `stop` (the provider ended it), `closed`, `idle-timeout`, `shutdown`, `error`. */
  reason?: string;
}

export type MediaSignal = AudioClassSignal | RepeatSignal | DtmfSignal | LiveHumanSignal | StreamLifecycleSignal;
