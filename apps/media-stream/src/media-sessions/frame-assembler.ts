import { MEDIA_FRAME_SAMPLES, MEDIA_SAMPLE_RATE } from '@callfleet/contracts';

export type AssembledItem =
  | { kind: 'frame'; pcm: Int16Array; atMs: number; sequence: number }
  | { kind: 'gap'; frames: number; atMs: number };

const SAMPLES_PER_MS = MEDIA_SAMPLE_RATE / 1000;
const FRAME_MS = MEDIA_FRAME_SAMPLES / SAMPLES_PER_MS;
/**
 * A provider timestamp further ahead than this is not a gap but a broken clock: reporting it would
 * make listeners skip minutes of audio time. The chunk's audio is still used.
 */
const MAX_GAP_FRAMES = 60_000 / FRAME_MS;

/**
 * Cuts a stream's 8 kHz audio, in whatever chunk sizes it arrives, into 20 ms frames of exactly 160
 * samples, and reports the frames missing where the provider's own timestamps (Twilio's
 * `media.timestamp`, ms from stream start) jump ahead of the audio received. Audio time counts the
 * missing frames too, so `atMs` stays the provider's time after a loss.
 */
export class FrameAssembler {
  /** Samples of audio time so far: emitted frames, reported gaps and the partial frame in `carry`. */
  private samples = 0;
  private carry = new Int16Array(MEDIA_FRAME_SAMPLES);
  private carried = 0;

  /** Audio ms received so far (including gaps). */
  get atMs(): number {
    return this.samples / SAMPLES_PER_MS;
  }

  /** `pcm` may become a frame as it is: the caller hands it over and does not reuse it. */
  push(pcm: Int16Array, timestampMs?: number): AssembledItem[] {
    const out: AssembledItem[] = [];
    if (timestampMs !== undefined) this.reportGap(timestampMs, out);
    if (this.carried === 0 && pcm.length === MEDIA_FRAME_SAMPLES && pcm.byteOffset === 0) {
      // Twilio's case, a chunk that is exactly one frame: it becomes the frame, uncopied.
      this.samples += MEDIA_FRAME_SAMPLES;
      out.push({ kind: 'frame', pcm, atMs: this.atMs - FRAME_MS, sequence: this.samples / MEDIA_FRAME_SAMPLES });
      return out;
    }
    let offset = 0;
    while (offset < pcm.length) {
      const take = Math.min(MEDIA_FRAME_SAMPLES - this.carried, pcm.length - offset);
      this.carry.set(pcm.subarray(offset, offset + take), this.carried);
      this.carried += take;
      this.samples += take;
      offset += take;
      if (this.carried === MEDIA_FRAME_SAMPLES) this.emitCarry(out);
    }
    return out;
  }

  private reportGap(timestampMs: number, out: AssembledItem[]): void {
    const missingFrames = Math.round((timestampMs - this.atMs) / FRAME_MS);
    if (missingFrames < 1 || missingFrames > MAX_GAP_FRAMES) return;
    if (this.carried > 0) {
      // The loss starts mid-frame: finish that frame with silence so the gap is whole frames.
      this.samples += MEDIA_FRAME_SAMPLES - this.carried;
      this.carry.fill(0, this.carried);
      this.carried = MEDIA_FRAME_SAMPLES;
      this.emitCarry(out);
    }
    const frames = Math.round((timestampMs - this.atMs) / FRAME_MS);
    if (frames < 1) return;
    out.push({ kind: 'gap', frames, atMs: this.atMs });
    this.samples += frames * MEDIA_FRAME_SAMPLES;
  }

  private emitCarry(out: AssembledItem[]): void {
    // The frame's place in audio time, so a lost frame shows as a skipped number.
    out.push({
      kind: 'frame',
      pcm: this.carry,
      atMs: (this.samples - MEDIA_FRAME_SAMPLES) / SAMPLES_PER_MS,
      sequence: this.samples / MEDIA_FRAME_SAMPLES,
    });
    this.carry = new Int16Array(MEDIA_FRAME_SAMPLES);
    this.carried = 0;
  }
}
