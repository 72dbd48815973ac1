import { BAND_COUNT } from './frame-features';

/** One hash word compares the 100 ms ending at a frame with the 100 ms before it (5 frames each). */
export const BLOCK_FRAMES = 5;
/** Blocks (100 ms each) compared at most per alignment: 1 s of audio. */
export const MAX_PROBE_BLOCKS = 10;
/** Blocks needed before a match is trusted: 0.8 s of sound (shorter stretches are shared by unrelated prompts). */
export const MIN_PROBE_BLOCKS = 8;
/**
 * Bit error rate at or below which two stretches are the same audio, for MIN_PROBE_BLOCKS blocks; each further
 * block allows MATCH_BER_PER_BLOCK more (longer probes vary less). Unrelated speech, even of the same voice, sits
 * at 0.33–0.45 at its best alignment; a replay through another channel (band, level, μ-law, noise, a 13 ms
 * shift) at 0.14–0.24.
 */
export const MATCH_MAX_BER = 0.22;
export const MATCH_BER_PER_BLOCK = 0.01;
/** Following a replay already recognised, at the place it should have reached: a looser test. */
export const FOLLOW_MAX_BER = 0.3;
export const FOLLOW_MIN_CLOSE_SHARE = 0.5;
/** A block is close to its counterpart at ≤ 11 of 32 bits; this share of a probe's blocks must be. */
const CLOSE_BLOCK_MAX_BITS = 11;
const MIN_CLOSE_BLOCK_SHARE = 0.75;
/** A single word farther than this from the probe's newest word is not worth comparing further. */
const PREFILTER_MAX_BITS = 14;

/**
 * Band-energy-difference hashes (after Haitsma & Kalker): bit m (0..15) says whether the spectral slope between
 * bands m and m+1 rose from the previous 100 ms, bit 16+m whether band m got louder. Signs of differences of
 * log energies do not change with the level, survive μ-law and moderate noise, and need no alignment finer than
 * a frame, because every frame yields a word for the 100 ms ending there.
 */
export class FingerprintHasher {
  private readonly history: Float64Array[] = Array.from(
    { length: 2 * BLOCK_FRAMES },
    () => new Float64Array(BAND_COUNT),
  );
  private readonly current = new Float64Array(BAND_COUNT);
  private readonly previous = new Float64Array(BAND_COUNT);
  private frames = 0;

  /**
   * The band powers of one frame; returns the frame's word, or -1 while fewer than 10 frames were seen. Quiet
   * frames (digital silence, line noise) should be pushed as they are but not probed: their words carry no
   * recording (digital silence hashes to 0 on every line).
   */
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
  /** Index in `stored` aligned with the probe's oldest compared word (negative when it precedes the segment). */
  storedStart: number;
  /** Bit error rate over the compared blocks, 0..0.5 (and above for anti-correlated audio). */
  ber: number;
  blocks: number;
  /** Words from the first compared word to the newest (the probe's newest word is at storedStart + span). */
  span: number;
}

/** The word of a quiet frame: no information, skipped on both sides of a comparison. */
export const QUIET_WORD = 0;

/**
 * The best place in `stored` where the probe's newest stretch appears: up to MAX_PROBE_BLOCKS blocks of 100 ms,
 * one word every BLOCK_FRAMES back from the newest, tried at every stored word so any phase of the 20 ms grid
 * lines up within 10 ms. Quiet words (QUIET_WORD) on either side are skipped, so a probe may span pauses and
 * the line noise in them may differ between calls. Partial overlap is the normal case: the probe may start
 * anywhere in the stored segment. Null when fewer than MIN_PROBE_BLOCKS blocks could be compared or nothing
 * is within the BER threshold.
 */
export function alignHashes(
  probe: Uint32Array,
  stored: Uint32Array,
  maxBer?: number,
  /** Only stored words in [from, to] may align with the probe's newest word (following a known replay). */
  window?: { from: number; to: number; minCloseShare: number },
): HashAlignment | null {
  const last = probe.length - 1;
  if (last < 0 || probe[last] === QUIET_WORD) return null;
  const offsets = OFFSETS;
  let blocks = 0;
  for (let back = 0; back <= last && blocks < MAX_PROBE_BLOCKS; back += BLOCK_FRAMES) {
    if (probe[last - back] !== QUIET_WORD) offsets[blocks++] = back;
  }
  if (blocks < MIN_PROBE_BLOCKS) return null;
  const span = offsets[blocks - 1];
  const newest = probe[last];
  let best: HashAlignment | null = null;
  let bestBer = Number.POSITIVE_INFINITY;
  // From j = 0: the probe's older blocks may reach back before the stored segment began (it was heard from a
  // later point); those blocks are not compared, and at least MIN_PROBE_BLOCKS must be.
  const from = window ? Math.max(0, window.from) : 0;
  const to = window ? Math.min(stored.length - 1, window.to) : stored.length - 1;
  const minCloseShare = window ? window.minCloseShare : MIN_CLOSE_BLOCK_SHARE;
  for (let j = from; j <= to; j++) {
    const first = stored[j];
    if (first === QUIET_WORD) continue;
    let bits = popcount32(newest ^ first);
    // Following a replay, its newest audio must still be close: where a person takes over, the older blocks
    // of the probe would hold the match up for a second.
    if (bits > (window ? CLOSE_BLOCK_MAX_BITS : PREFILTER_MAX_BITS)) continue;
    let compared = 1;
    let close = bits <= CLOSE_BLOCK_MAX_BITS ? 1 : 0;
    for (let k = 1; k < blocks && offsets[k] <= j; k++) {
      const other = stored[j - offsets[k]];
      if (other === QUIET_WORD) continue;
      const blockBits = popcount32(probe[last - offsets[k]] ^ other);
      bits += blockBits;
      compared++;
      if (blockBits <= CLOSE_BLOCK_MAX_BITS) close++;
    }
    if (compared < MIN_PROBE_BLOCKS) continue;
    const ber = bits / (compared * 32);
    const threshold = maxBer ?? MATCH_MAX_BER + MATCH_BER_PER_BLOCK * (compared - MIN_PROBE_BLOCKS);
    // A replay is close block after block; one shared word in the same synthetic voice is close for a few
    // blocks and random for the rest, which can average out under the threshold.
    if (ber <= threshold && ber < bestBer && close >= Math.ceil(minCloseShare * compared)) {
      bestBer = ber;
      best = { storedStart: j - span, ber, blocks: compared, span };
    }
  }
  return best;
}

/** Scratch for alignHashes (single-threaded; no allocation per probe). */
const OFFSETS = new Int32Array(MAX_PROBE_BLOCKS);

/** 1 for identical audio, 0 for unrelated (BER 0.5). */
export function similarityOf(ber: number): number {
  return Math.max(0, Math.min(1, 1 - 2 * ber));
}
