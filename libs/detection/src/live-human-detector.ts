import { MEDIA_FRAME_SAMPLES } from '@callfleet/contracts';
import type { DetectorHint, DetectorOutput, LineMemory } from './detector.types';

export interface LiveHumanDetectorOptions {
  /** Shared by every leg dialing the same line; omitted = this call learns alone. */
  lineMemory?: LineMemory;
}

const FRAME_MS = 20;

/**
 * The live-human detector: fed 20 ms frames of PCM16 at 8 kHz (160 samples), it says what the audio is
 * and decides, at most once, that a live person is speaking. Pure and deterministic: no clock, no I/O.
 *
 * PLACEHOLDER (energy only) until the real classifier lands; the API is final.
 */
export class LiveHumanDetector {
  private frames = 0;
  private decided = false;
  private lastClass: DetectorOutput['kind'] | null = null;

  constructor(private readonly options: LiveHumanDetectorOptions = {}) {}

  /** Audio ms analysed so far. */
  get atMs(): number {
    return this.frames * FRAME_MS;
  }

  /** Whether the live-human decision has been made. */
  get hasDecided(): boolean {
    return this.decided;
  }

  /** One 20 ms frame (exactly 160 samples); returns what changed at this frame (usually nothing). */
  pushFrame(frame: Int16Array): DetectorOutput[] {
    if (frame.length !== MEDIA_FRAME_SAMPLES) throw new RangeError(`a frame is ${MEDIA_FRAME_SAMPLES} samples`);
    const atMs = this.atMs;
    this.frames++;
    let energy = 0;
    for (let i = 0; i < frame.length; i++) energy += frame[i] * frame[i];
    const kind = energy / frame.length > 1e5 ? 'speech' : 'silence';
    if (kind === this.lastClass) return [];
    this.lastClass = kind;
    return [{ kind, atMs, confidence: 0.5 }];
  }

  /** `frames` 20 ms frames were lost (the stream skipped them): time moves on, nothing is heard. */
  pushGap(frames: number): DetectorOutput[] {
    this.frames += Math.max(0, Math.floor(frames));
    return [];
  }

  hint(_hint: DetectorHint): void {}

  /** The stream ended: returns anything still pending and teaches the line memory what was recorded. */
  end(): DetectorOutput[] {
    void this.options.lineMemory;
    return [];
  }
}
