import { BAND_COUNT } from './frame-features';

/** One hash word compares the 100 ms ending at a frame with the 100 ms before it (5 frames each). */
export const BLOCK_FRAMES = 5;
/** Blocks (100 ms each) compared at most per alignment: 1 s of audio. */
export const MAX_PROBE_BLOCKS = 10;
/** Blocks needed before a match is trusted: 0.6 s (plus the 0.1 s the first word looks back). */
export const MIN_PROBE_BLOCKS = 6;
/**
 * Bit error rate at or below which two stretches are the same audio. Unrelated audio sits near 0.5 and
 * rarely below 0.4 over 6 × 32 bits; a replay through μ-law, noise and level changes stays well under 0.3.
 */
export const MATCH_MAX_BER = 0.3;
/** A single word farther than this from the probe's newest word is not worth comparing further. */
const PREFILTER_MAX_BITS = 14;

/**
 * Band-energy-difference hashes (after Haitsma & Kalker): bit m (0..15) says whether the spectral slope between
 * bands m and m+1 rose from the previous 100 ms, bit 16+m whether band m got louder. Signs of differences of
 * log energies do not change with the level, survive μ-law and moderate noise, and need no alignment finer than
 * a frame, because every frame yields a word for the 100 ms ending there.
 */
export class FingerprintHasher {
  private readonly history: Float64Array[] = Array.from({ length: 2 * BLOCK_FRAMES }, () => new Float64Array(BAND_COUNT));
  private readonly current = new Float64Array(BAND_COUNT);
  private readonly previous = new Float64Array(BAND_COUNT);
  private frames = 0;

  /** The band powers of one frame; returns the frame's word, or -1 while fewer than 10 frames were seen. */
  push(bands: Float64Array): number {
    this.history[this.frames % (2 * BLOCK_FRAMES)].set(bands);
    this.frames++;
    if (this.frames < 2 * BLOCK_FRAMES) return -1;
    this.current.fill(0);
    this.previous.fill(0);
    for (let k = 0; k < BLOCK_FRAMES; k++) {
      const recent = this.history[(this.frames - 1 - k) % (2 * BLOCK_FRAMES)];
      const earlier = this.history[(this.frames - 1 - k - BLOCK_FRAMES) % (2 * BLOCK_FRAMES)];
      for (let b = 0; b < BAND_COUNT; b++) {
        this.current[b] += recent[b];
        this.previous[b] += earlier[b];
      }
    }
    for (let b = 0; b < BAND_COUNT; b++) {
      this.current[b] = Math.log10(this.current[b]);
      this.previous[b] = Math.log10(this.previous[b]);
    }
    let word = 0;
    for (let m = 0; m < 16; m++) {
      const slopeNow = this.current[m] - this.current[m + 1];
      const slopeBefore = this.previous[m] - this.previous[m + 1];
      if (slopeNow - slopeBefore > 0) word |= 1 << m;
      if (this.current[m] - this.previous[m] > 0) word |= 1 << (16 + m);
    }
    return word >>> 0;
  }

  /** After lost frames the next words must not compare audio from both sides of the gap. */
  reset(): void {
    this.frames = 0;
  }
}

export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export interface HashAlignment {
  /** Index in `stored` of the word aligned with the probe's first compared word. */
  storedStart: number;
  /** Bit error rate over the compared blocks, 0..0.5 (and above for anti-correlated audio). */
  ber: number;
  blocks: number;
}

/**
 * The best place in `stored` where the probe's newest stretch (up to MAX_PROBE_BLOCKS blocks of 100 ms, one word
 * every BLOCK_FRAMES) appears, tried at every stored word so any phase of the 20 ms grid lines up within 10 ms.
 * Partial overlap is the normal case: the probe may start anywhere in the stored segment. Null when the probe is
 * shorter than MIN_PROBE_BLOCKS blocks or nothing is within MATCH_MAX_BER.
 */
export function alignHashes(probe: Uint32Array, stored: Uint32Array, maxBer = MATCH_MAX_BER): HashAlignment | null {
  const blocks = Math.min(MAX_PROBE_BLOCKS, Math.floor(probe.length / BLOCK_FRAMES));
  if (blocks < MIN_PROBE_BLOCKS) return null;
  const span = (blocks - 1) * BLOCK_FRAMES;
  const last = probe.length - 1;
  const newest = probe[last];
  const maxBits = Math.floor(blocks * 32 * maxBer);
  let best: HashAlignment | null = null;
  let bestBits = maxBits + 1;
  for (let j = span; j < stored.length; j++) {
    let bits = popcount32(newest ^ stored[j]);
    if (bits > PREFILTER_MAX_BITS) continue;
    for (let k = 1; k < blocks && bits < bestBits; k++) {
      bits += popcount32(probe[last - k * BLOCK_FRAMES] ^ stored[j - k * BLOCK_FRAMES]);
    }
    if (bits < bestBits) {
      bestBits = bits;
      best = { storedStart: j - span, ber: bits / (blocks * 32), blocks };
    }
  }
  return best;
}

/** 1 for identical audio, 0 for unrelated (BER 0.5). */
export function similarityOf(ber: number): number {
  return Math.max(0, Math.min(1, 1 - 2 * ber));
}
