import { AUDIO_CLASSES, type AudioClass } from '@callfleet/contracts';
import type { LineMemory, LineMemoryMatch, LineMemoryMatchOptions, SegmentFingerprint } from './detector.types';
import { FRAME_MS } from './frame-features';
import { alignHashes, FOLLOW_MAX_BER, FOLLOW_MIN_CLOSE_SHARE, QUIET_WORD, similarityOf } from './segment-fingerprint';

export interface InMemoryLineMemoryOptions {
  /** Hash words kept in all (one per 20 ms of audio); the oldest segments go first. Default 20,000 (≈ 6.7 min). */
  maxWords?: number;
  /** Words kept of one segment (its start: what a replay is matched on first). Default 1,500 (30 s). */
  maxWordsPerSegment?: number;
}

/** What toJSON writes: base64 of the little-endian hash words, so 20,000 words take ≈ 107 KB. */
export interface LineMemoryJson {
  version: 1;
  segments: { atMs: number; kind: AudioClass; hashes: string }[];
  /** The longest hold heard on the line (ms); absent in memories written before it was kept (= 0). */
  heardHoldMs?: number;
}

const DEFAULT_MAX_WORDS = 20_000;
/** Legs whose current audio is compared at once (the most recently heard): bounds a 70-leg hunt's cost. */
const MAX_HEARERS = 16;
const DEFAULT_MAX_WORDS_PER_SEGMENT = 1_500;

/**
 * A line's memory of recorded audio, kept in the process and persisted by its owner (toJSON / fromJSON, e.g. as a
 * NATS KV value). Bounded: at most `maxWords` hash words, oldest segments evicted first.
 */
export class InMemoryLineMemory implements LineMemory {
  private readonly segments: SegmentFingerprint[] = [];
  private words = 0;
  private longestHoldMs = 0;
  /** What each running leg is hearing now (most recently updated last). */
  private readonly heardNow = new Map<object, SegmentFingerprint>();
  private readonly maxWords: number;
  private readonly maxWordsPerSegment: number;

  constructor(options: InMemoryLineMemoryOptions = {}) {
    this.maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
    this.maxWordsPerSegment = options.maxWordsPerSegment ?? DEFAULT_MAX_WORDS_PER_SEGMENT;
  }

  get size(): { segments: number; words: number } {
    return { segments: this.segments.length, words: this.words };
  }

  match(probe: SegmentFingerprint, options: LineMemoryMatchOptions = {}): LineMemoryMatch | null {
    let best: LineMemoryMatch | null = null;
    let bestBer = Number.POSITIVE_INFINITY;
    const follow = options.follow;
    const consider = (segment: SegmentFingerprint, heardNow: boolean) => {
      if (segment.kind !== probe.kind) return;
      if (follow && segment.atMs !== follow.of) return;
      const alignment = follow
        ? alignHashes(probe.hashes, segment.hashes, FOLLOW_MAX_BER, {
            from: Math.floor((follow.alignedAtMs - follow.toleranceMs - segment.atMs) / FRAME_MS),
            to: Math.ceil((follow.alignedAtMs + follow.toleranceMs - segment.atMs) / FRAME_MS),
            minCloseShare: FOLLOW_MIN_CLOSE_SHARE,
          })
        : alignHashes(probe.hashes, segment.hashes);
      if (alignment && alignment.ber < bestBer) {
        bestBer = alignment.ber;
        best = {
          of: segment.atMs,
          similarity: similarityOf(alignment.ber),
          alignedAtMs: segment.atMs + (alignment.storedStart + alignment.span) * FRAME_MS,
          remainingSoundMs: soundAfter(segment.hashes, alignment.storedStart + alignment.span) * FRAME_MS,
          ...(heardNow ? { heardNow } : {}),
        };
      }
    };
    if (!(options.hearer && options.onlyHeardNow)) for (const segment of this.segments) consider(segment, false);
    if (options.hearer)
      for (const [hearer, segment] of this.heardNow) if (hearer !== options.hearer) consider(segment, true);
    return best;
  }

  get heardHoldMs(): number {
    return this.longestHoldMs;
  }

  heardHold(ms: number): void {
    if (Number.isFinite(ms) && ms > this.longestHoldMs) this.longestHoldMs = ms;
  }

  hearing(hearer: object, fingerprint: SegmentFingerprint | null): void {
    this.heardNow.delete(hearer);
    if (!fingerprint || fingerprint.hashes.length === 0) return;
    this.heardNow.set(hearer, { ...fingerprint, hashes: fingerprint.hashes.slice(0, this.maxWordsPerSegment) });
    for (const [oldest] of this.heardNow) {
      if (this.heardNow.size <= MAX_HEARERS) break;
      this.heardNow.delete(oldest);
    }
  }

  remember(fingerprint: SegmentFingerprint): void {
    if (fingerprint.hashes.length === 0) return;
    const hashes = fingerprint.hashes.slice(0, this.maxWordsPerSegment);
    this.segments.push({ atMs: fingerprint.atMs, kind: fingerprint.kind, hashes });
    this.words += hashes.length;
    while (this.words > this.maxWords && this.segments.length > 1) {
      const oldest = this.segments.shift() as SegmentFingerprint;
      this.words -= oldest.hashes.length;
    }
  }

  toJSON(): LineMemoryJson {
    return {
      version: 1,
      segments: this.segments.map((s) => ({
        atMs: s.atMs,
        kind: s.kind,
        hashes: wordsToBase64(s.hashes),
      })),
      ...(this.longestHoldMs > 0 ? { heardHoldMs: this.longestHoldMs } : {}),
    };
  }

  /** Rebuilds a memory from toJSON's output; throws a RangeError on anything else (a corrupt KV value). */
  static fromJSON(json: unknown, options: InMemoryLineMemoryOptions = {}): InMemoryLineMemory {
    const memory = new InMemoryLineMemory(options);
    const value = json as Partial<LineMemoryJson> | null;
    if (value?.version !== 1 || !Array.isArray(value.segments)) throw new RangeError('not a line memory (version 1)');
    for (const s of value.segments) {
      if (!s || typeof s.atMs !== 'number' || !AUDIO_CLASSES.includes(s.kind) || typeof s.hashes !== 'string')
        throw new RangeError('line memory segment is malformed');
      const bytes = Buffer.from(s.hashes, 'base64');
      if (bytes.length % 4 !== 0) throw new RangeError('line memory hashes are not whole 32-bit words');
      const hashes = new Uint32Array(bytes.length / 4);
      for (let i = 0; i < hashes.length; i++) hashes[i] = bytes.readUInt32LE(4 * i);
      memory.remember({ atMs: s.atMs, kind: s.kind, hashes });
    }
    if (value.heardHoldMs !== undefined) {
      if (typeof value.heardHoldMs !== 'number' || !(value.heardHoldMs >= 0))
        throw new RangeError('line memory heardHoldMs is malformed');
      memory.heardHold(value.heardHoldMs);
    }
    return memory;
  }
}

/** Words of sound (not quiet) after index `newest`. */
function soundAfter(hashes: Uint32Array, newest: number): number {
  let sound = 0;
  for (let i = newest + 1; i < hashes.length; i++) if (hashes[i] !== QUIET_WORD) sound++;
  return sound;
}

function wordsToBase64(words: Uint32Array): string {
  const bytes = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) bytes.writeUInt32LE(words[i], 4 * i);
  return bytes.toString('base64');
}
