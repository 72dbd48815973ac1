import type { SegmentFingerprint } from '@callfleet/detection';
import { LINE_MEMORY_MAX_FINGERPRINTS, parseFingerprints, SharedLineMemory } from './shared-line-memory';

const fingerprint = (atMs: number, seed: number, length = 32): SegmentFingerprint => ({
  atMs,
  kind: 'speech',
  hashes: Uint32Array.from({ length }, (_, i) => (seed * 2654435761 + i * 40503) >>> 0),
});

describe('SharedLineMemory', () => {
  it('matches audio it remembered, however far into another call it is heard, and nothing else', () => {
    const memory = new SharedLineMemory();
    memory.remember(fingerprint(3_000, 1));
    expect(memory.match(fingerprint(42_000, 1))).toEqual({ of: 3_000, similarity: 1 });
    expect(memory.match(fingerprint(3_000, 2))).toBeNull();
  });

  it('matches a partial overlap above the threshold only', () => {
    const memory = new SharedLineMemory();
    const known = fingerprint(0, 5, 10);
    memory.remember(known);
    const mostly = { ...known, hashes: Uint32Array.from([...known.hashes.slice(0, 7), 1, 2, 3]) };
    const barely = { ...known, hashes: Uint32Array.from([...known.hashes.slice(0, 3), 1, 2, 3, 4, 5, 6, 7]) };
    expect(memory.match(mostly)?.similarity).toBeCloseTo(0.7);
    expect(memory.match(barely)).toBeNull();
  });

  it('does not store the same audio twice, and tells its owner when it learned something', () => {
    const memory = new SharedLineMemory();
    let changes = 0;
    memory.onChange(() => changes++);
    memory.remember(fingerprint(0, 1));
    memory.remember(fingerprint(9_000, 1));
    memory.remember(fingerprint(0, 2));
    expect(memory.size).toBe(2);
    expect(changes).toBe(2);
  });

  it('survives its serialized form and merges another copy as a union, without calling it learning', () => {
    const a = new SharedLineMemory();
    a.remember(fingerprint(100, 1));
    a.remember(fingerprint(200, 2));
    const b = new SharedLineMemory();
    let changes = 0;
    b.onChange(() => changes++);
    b.remember(fingerprint(300, 3));
    changes = 0;
    const stored = JSON.parse(JSON.stringify(a.toJSON()));
    expect(b.merge(stored)).toBe(2);
    expect(b.merge(stored)).toBe(0);
    expect(changes).toBe(0);
    expect(b.size).toBe(3);
    expect(b.match(fingerprint(0, 2))).toMatchObject({ of: 200 });
  });

  it('stays bounded: the oldest fingerprints go first', () => {
    const memory = new SharedLineMemory();
    for (let i = 0; i < LINE_MEMORY_MAX_FINGERPRINTS + 10; i++) memory.remember(fingerprint(i * 20, i + 1));
    expect(memory.size).toBe(LINE_MEMORY_MAX_FINGERPRINTS);
    expect(memory.match(fingerprint(0, 1))).toBeNull();
    expect(memory.match(fingerprint(0, LINE_MEMORY_MAX_FINGERPRINTS + 10))).not.toBeNull();
  });
});

describe('parseFingerprints', () => {
  it('skips what is not a fingerprint instead of failing the call', () => {
    const good = new SharedLineMemory();
    good.remember(fingerprint(100, 1));
    const [valid] = good.toJSON().segments;
    expect(parseFingerprints(null)).toEqual([]);
    expect(parseFingerprints({ version: 2, segments: [valid] })).toEqual([]);
    expect(
      parseFingerprints({
        version: 1,
        segments: [
          valid,
          { ...valid, kind: 'shouting' },
          { ...valid, atMs: -1 },
          { ...valid, hashes: 'AAA' },
          'nonsense',
          null,
        ],
      }),
    ).toHaveLength(1);
  });
});
