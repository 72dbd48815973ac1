import { AUDIO_CLASSES, type AudioClass } from '@callfleet/contracts';
import {
  InMemoryLineMemory,
  type LineMemory,
  type LineMemoryJson,
  type LineMemoryMatch,
  type LineMemoryMatchOptions,
  type SegmentFingerprint,
} from '@callfleet/detection';

/** A line's memory as stored in the `media-line-memory` bucket: libs/detection's own serialized form. */
export type LineMemorySnapshot = LineMemoryJson;
type StoredSegment = LineMemoryJson['segments'][number];

/** Identity of a sighting across replicas: two copies of one remembered segment merge into one. */
const identityOf = (segment: StoredSegment) => `${segment.kind}:${segment.atMs}:${segment.hashes}`;

function decodeHashes(text: string): Uint32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const hashes = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < hashes.length; i++) hashes[i] = bytes.readUInt32LE(i * 4);
  return hashes;
}

/**
 * The detector's LineMemory for one (org, line), shared by every session of that line on this
 * replica: libs/detection's InMemoryLineMemory (matching, bounds, eviction), plus what sharing needs:
 * a signal when it learned something (to write it back) and a merge of the copy another replica
 * wrote, as a union of sightings, without calling that learning.
 */
export class SharedLineMemory implements LineMemory {
  private readonly memory = new InMemoryLineMemory();
  private changeListener?: () => void;

  /** Called after each remembered fingerprint (the store schedules a write). */
  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  /** Segments held. */
  get size(): number {
    return this.memory.size.segments;
  }

  match(probe: SegmentFingerprint, options?: LineMemoryMatchOptions): LineMemoryMatch | null {
    return this.memory.match(probe, options);
  }

  get heardHoldMs(): number {
    return this.memory.heardHoldMs;
  }

  heardHold(ms: number): void {
    const before = this.memory.heardHoldMs;
    this.memory.heardHold(ms);
    if (this.memory.heardHoldMs > before) this.changeListener?.();
  }

  /** What a session hears now: shared by this replica's sessions of the line, never written (it is no recording yet). */
  hearing(hearer: object, fingerprint: SegmentFingerprint | null): void {
    this.memory.hearing(hearer, fingerprint);
  }

  remember(fingerprint: SegmentFingerprint): void {
    this.memory.remember(fingerprint);
    // InMemoryLineMemory keeps every non-empty fingerprint (evicting the oldest past its bound).
    if (fingerprint.hashes.length > 0) this.changeListener?.();
  }

  /** Adds what another replica (or an earlier run) remembered; returns how many segments were new. */
  merge(snapshot: unknown): number {
    // The longest hold heard on the line is the longer of the two (a malformed value is skipped).
    const heldMs = (snapshot as Partial<LineMemoryJson> | null)?.heardHoldMs;
    if (typeof heldMs === 'number' && heldMs >= 0) this.memory.heardHold(heldMs);
    const known = new Set(this.memory.toJSON().segments.map(identityOf));
    let added = 0;
    for (const segment of parseSegments(snapshot)) {
      if (known.has(identityOf(segment))) continue;
      const hashes = decodeHashes(segment.hashes);
      if (!hashes) continue;
      this.memory.remember({ atMs: segment.atMs, kind: segment.kind, hashes });
      known.add(identityOf(segment));
      added++;
    }
    return added;
  }

  toJSON(): LineMemorySnapshot {
    return this.memory.toJSON();
  }
}

/** The well-formed segments of a stored snapshot; anything else is skipped (a bad write must not stop a call). */
export function parseSegments(snapshot: unknown): StoredSegment[] {
  const value = snapshot as Partial<LineMemoryJson> | null;
  if (value?.version !== 1 || !Array.isArray(value.segments)) return [];
  return value.segments.filter(
    (s): s is StoredSegment =>
      typeof s === 'object' &&
      s !== null &&
      typeof s.atMs === 'number' &&
      Number.isFinite(s.atMs) &&
      s.atMs >= 0 &&
      AUDIO_CLASSES.includes(s.kind as AudioClass) &&
      typeof s.hashes === 'string' &&
      decodeHashes(s.hashes) !== null,
  );
}
