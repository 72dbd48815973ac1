import { BAND_COUNT, type FrameFeatures } from './frame-features';

/** A talker and recording chain in a few numbers: pitch, long-term spectral shape, level. */
export interface VoiceProfile {
  /** Median fundamental frequency of voiced frames (Hz), 0 when too few were voiced. */
  pitchHz: number;
  /** Long-term average band levels (dB) minus their mean: the channel's and the voice's colour. */
  shapeDb: Float64Array;
  /** Mean level of active frames (dBFS). */
  levelDb: number;
  /** Active frames the profile was built from. */
  frames: number;
}

const MAX_PITCHES = 2000;

/** Enough audio for a profile to be compared (0.4 s of active speech). */
export const MIN_PROFILE_FRAMES = 20;

/** Accumulates the profile of one utterance, frame by frame (active frames only). */
export class VoiceProfileBuilder {
  private readonly bandSums = new Float64Array(BAND_COUNT);
  private readonly pitches: number[] = [];
  private levelSum = 0;
  private frames = 0;

  add(f: FrameFeatures): void {
    this.frames++;
    this.levelSum += f.energyDb;
    for (let b = 0; b < BAND_COUNT; b++) this.bandSums[b] += f.bands[b];
    if (f.pitchHz > 0 && f.voicing > 0.7 && this.pitches.length < MAX_PITCHES) this.pitches.push(f.pitchHz);
  }

  /** Adds another builder's frames (pooling utterances of one voice). */
  merge(other: VoiceProfileBuilder): void {
    this.frames += other.frames;
    this.levelSum += other.levelSum;
    for (let b = 0; b < BAND_COUNT; b++) this.bandSums[b] += other.bandSums[b];
    for (const p of other.pitches) if (this.pitches.length < MAX_PITCHES) this.pitches.push(p);
  }

  get size(): number {
    return this.frames;
  }

  build(): VoiceProfile {
    const shapeDb = new Float64Array(BAND_COUNT);
    let mean = 0;
    for (let b = 0; b < BAND_COUNT; b++) {
      shapeDb[b] = 10 * Math.log10(this.bandSums[b] / Math.max(1, this.frames) + 1e-12);
      mean += shapeDb[b];
    }
    mean /= BAND_COUNT;
    for (let b = 0; b < BAND_COUNT; b++) shapeDb[b] -= mean;
    const sorted = [...this.pitches].sort((a, b) => a - b);
    return {
      pitchHz: sorted.length >= 5 ? sorted[sorted.length >> 1] : 0,
      shapeDb,
      levelDb: this.frames ? this.levelSum / this.frames : -100,
      frames: this.frames,
    };
  }
}

/**
 * How unlike two profiles are: about 1 at the edge of "another voice or another recording chain". Pitch counts
 * in steps of 3 semitones, spectral shape in 10 dB RMS (one utterance's long-term spectrum varies with what
 * is said, so it weighs little), level in 8 dB (a person on a headset is rarely at the
 * level of the line's normalised prompts).
 */
export function voiceDistance(a: VoiceProfile, b: VoiceProfile): number {
  let shape = 0;
  for (let k = 0; k < BAND_COUNT; k++) {
    const d = a.shapeDb[k] - b.shapeDb[k];
    shape += d * d;
  }
  shape = Math.sqrt(shape / BAND_COUNT) / 10;
  const pitch = a.pitchHz > 0 && b.pitchHz > 0 ? Math.abs(12 * Math.log2(a.pitchHz / b.pitchHz)) / 3 : 0;
  const level = Math.abs(a.levelDb - b.levelDb) / 8;
  return Math.sqrt(shape * shape + pitch * pitch + level * level);
}
