import { AUDIO_CLASSES, type AudioClass } from '@callfleet/contracts';
import type { LineMemory, LineMemoryMatch, SegmentFingerprint } from '@callfleet/detection';

/**
 * A line's memory as stored in the `media-line-memory` bucket: the segments, oldest first, with their
 * hash words in base64 (little-endian u32); libs/detection's `LineMemoryJson` layout. Versioned so a
 * later layout can read or drop it.
 */
export interface LineMemorySnapshot {
  version: 1;
  segments: { atMs: number; kind: AudioClass; hashes: string }[];
}

/** Fingerprints kept per line: a line's prompts and announcements are few; the oldest go first. */
export const LINE_MEMORY_MAX_FINGERPRINTS = 256;
/** Hash words per fingerprint kept (a longer one is cut): bounds a stored line to ~256 × 1 KiB. */
export const LINE_MEMORY_MAX_HASHES = 256;
/** Share of hash words two fingerprints must have in common to be the same audio. */
const MATCH_SIMILARITY = 0.6;
/** Above this, a new fingerprint is the same audio as a remembered one and is not stored twice. */
const SAME_AUDIO_SIMILARITY = 0.9;

function similarity(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / Math.max(a.size, b.size);
}

interface Entry {
  fingerprint: SegmentFingerprint;
  words: Set<number>;
  /** Identity across replicas: kind, start and the hash words (two replicas' copies of one sighting merge). */
  identity: string;
}

function identityOf(fingerprint: SegmentFingerprint): string {
  return `${fingerprint.kind}:${fingerprint.atMs}:${Buffer.from(fingerprint.hashes.buffer, fingerprint.hashes.byteOffset, fingerprint.hashes.byteLength).toString('base64')}`;
}

function encodeHashes(hashes: Uint32Array): string {
  const bytes = Buffer.alloc(hashes.length * 4);
  for (let i = 0; i < hashes.length; i++) bytes.writeUInt32LE(hashes[i], i * 4);
  return bytes.toString('base64');
}

function decodeHashes(text: string): Uint32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const hashes = new Uint32Array(Math.min(bytes.length / 4, LINE_MEMORY_MAX_HASHES));
  for (let i = 0; i < hashes.length; i++) hashes[i] = bytes.readUInt32LE(i * 4);
  return hashes;
}

/**
 * The detector's LineMemory for one (org, line), shared by every session of that line on this
 * replica, bounded, and mergeable with the copies other replicas write (a union of sightings).
 *
 * Stand-in until libs/detection's own InMemoryLineMemory (with its serializer) lands: matching here
 * is a plain overlap of hash words, which the detector's fingerprints are designed for.
 */
export class SharedLineMemory implements LineMemory {
  private readonly entries: Entry[] = [];
  private readonly identities = new Set<string>();
  private changeListener?: () => void;

  /** Called after each remembered fingerprint (the store schedules a write). */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  get size(): number {
    return this.entries.length;
  }

  match(probe: SegmentFingerprint): LineMemoryMatch | null {
    const words = new Set(probe.hashes);
    let best: LineMemoryMatch | null = null;
    for (const entry of this.entries) {
      const s = similarity(words, entry.words);
      if (s >= MATCH_SIMILARITY && (!best || s > best.similarity)) best = { of: entry.fingerprint.atMs, similarity: s };
    }
    return best;
  }

  remember(fingerprint: SegmentFingerprint): void {
    const bounded: SegmentFingerprint = {
      atMs: fingerprint.atMs,
      kind: fingerprint.kind,
      hashes: fingerprint.hashes.slice(0, LINE_MEMORY_MAX_HASHES),
    };
    const known = this.match(bounded);
    if (known && known.similarity >= SAME_AUDIO_SIMILARITY) return;
    if (this.add(bounded)) this.changeListener?.();
  }

  /** Adds what another replica (or an earlier run) remembered; returns how many were new. */
  merge(snapshot: LineMemorySnapshot): number {
    let added = 0;
    for (const fingerprint of parseFingerprints(snapshot)) if (this.add(fingerprint)) added++;
    return added;
  }

  toJSON(): LineMemorySnapshot {
    return {
      version: 1,
      segments: this.entries.map(({ fingerprint }) => ({
        atMs: fingerprint.atMs,
        kind: fingerprint.kind,
        hashes: encodeHashes(fingerprint.hashes),
      })),
    };
  }

  private add(fingerprint: SegmentFingerprint): boolean {
    const identity = identityOf(fingerprint);
    if (this.identities.has(identity)) return false;
    this.entries.push({ fingerprint, words: new Set(fingerprint.hashes), identity });
    this.identities.add(identity);
    while (this.entries.length > LINE_MEMORY_MAX_FINGERPRINTS) {
      const dropped = this.entries.shift();
      if (dropped) this.identities.delete(dropped.identity);
    }
    return true;
  }
}

/** The valid fingerprints of a stored snapshot; anything malformed is skipped (a bad write must not stop a call). */
export function parseFingerprints(snapshot: unknown): SegmentFingerprint[] {
  const list = (snapshot as Partial<LineMemorySnapshot> | null)?.segments;
  if ((snapshot as Partial<LineMemorySnapshot> | null)?.version !== 1 || !Array.isArray(list)) return [];
  const fingerprints: SegmentFingerprint[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { atMs, kind, hashes } = item as Record<string, unknown>;
    if (typeof atMs !== 'number' || !Number.isFinite(atMs) || atMs < 0) continue;
    if (!AUDIO_CLASSES.includes(kind as AudioClass) || typeof hashes !== 'string') continue;
    const words = decodeHashes(hashes);
    if (words) fingerprints.push({ atMs, kind: kind as AudioClass, hashes: words });
  }
  return fingerprints;
}
