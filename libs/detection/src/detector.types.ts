import type { AudioClass } from '@callfleet/contracts';

/**
 * What the detector emits, frame by frame. Times are audio ms from the stream's start (frame index × 20);
 * the detector knows no other clock, so the same audio always gives the same output.
 */
export type DetectorOutput =
  | { kind: AudioClass; atMs: number; confidence: number }
  | { kind: 'repeat'; atMs: number; of: number; scope: 'call' | 'line'; confidence: number }
  | { kind: 'live-human'; atMs: number; confidence: number; evidence: string[] };

/** Context the caller may know; the detector must work without any of it. */
export type DetectorHint =
  /** The hunt pressed its IVR script's last digit (audio ms of the press). */
  | { kind: 'ivr-finished'; atMs: number }
  /** A DTMF digit was sent or heard at this audio time (IVR prompts answer digits, people rarely do). */
  | { kind: 'dtmf'; atMs: number; digit: string };

/**
 * What the detector remembers about one dialed line (all legs of all hunts of one target in one org):
 * compact fingerprints of the recorded audio heard there. Reads are synchronous (the service loads the
 * line's memory before the first frame and keeps it in step); writes are collected and persisted by the owner.
 */
export interface LineMemory {
  /** The best earlier sighting of audio resembling `probe`, or null. */
  match(probe: SegmentFingerprint, options?: LineMemoryMatchOptions): LineMemoryMatch | null;
  /** Remember recorded (non-live) audio heard on this line. */
  remember(fingerprint: SegmentFingerprint): void;
  /**
   * The longest stretch of hold heard on this line (audio ms from a call's first hold music to where the call's
   * recordings ended: the person, or the call's end), or 0. Optional: without it no hold counts as known.
   */
  readonly heardHoldMs?: number;
  /** A call heard `ms` of this line's hold, all of it recordings (keeps the longest). */
  heardHold?(ms: number): void;
  /**
   * What one leg (`hearer`, the detector itself) is hearing on the line right now, not yet known to be a recording
   * (null: nothing any more). Legs of a hunt run at once: an announcement new to the line plays on all of them within
   * seconds, and audio heard on two calls is a recording (people do not say the same thing on two calls). Kept only
   * while the leg runs (not persisted); `match` with `hearer` compares with what the other legs are hearing too.
   */
  hearing?(hearer: object, fingerprint: SegmentFingerprint | null): void;
}

export interface LineMemoryMatchOptions {
  /**
   * Follow a replay already found: compare only with the remembered segment `of`, within `toleranceMs` of
   * `alignedAtMs`, with a looser threshold (a replay that was recognised stays one through a noisy stretch).
   */
  follow?: { of: number; alignedAtMs: number; toleranceMs: number };
  /** The leg asking: what the other legs are hearing now is compared too (never its own). */
  hearer?: object;
  /** With `hearer`: only what the other legs are hearing now, not the remembered recordings. */
  onlyHeardNow?: boolean;
}

export interface LineMemoryMatch {
  /** Audio ms where the remembered segment started in the call that heard it. */
  of: number;
  /** 0..1 */
  similarity: number;
  /**
   * Audio ms, in the call that heard it, of the remembered audio aligned with the probe's newest frame. A replay
   * advances it in step with the probe; a chance resemblance does not (the detector confirms on that).
   */
  alignedAtMs?: number;
  /** Sound (non-quiet audio, ms) the remembered segment still holds after the aligned point: 0 = it played to its end. */
  remainingSoundMs?: number;
  /**
   * The match is what another leg is hearing now (`LineMemory.hearing`), not a remembered recording: a recording, but
   * heard for the first time on both, so it says nothing of what the line has played before.
   */
  heardNow?: boolean;
}

/** A compact, comparable summary of a stretch of audio (exact layout is the detector's own). */
export interface SegmentFingerprint {
  /** Audio ms where the segment started, in the call that heard it. */
  atMs: number;
  /** Audio class of the segment. */
  kind: AudioClass;
  /** Hash words of the segment's spectral peaks / band energies; robust to level and μ-law. 0 = a quiet frame. */
  hashes: Uint32Array;
}
