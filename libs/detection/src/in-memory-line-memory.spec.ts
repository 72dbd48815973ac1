import { InMemoryLineMemory } from './in-memory-line-memory';

function words(seed: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

describe('InMemoryLineMemory', () => {
  it('matches a stretch of a remembered segment and says where that segment started', () => {
    const memory = new InMemoryLineMemory();
    memory.remember({ atMs: 12_000, kind: 'speech', hashes: words(1, 300) });
    const match = memory.match({ atMs: 0, kind: 'speech', hashes: words(1, 300).subarray(100, 150) });
    // 150 words of the segment's sound come after the probe's newest word (a replay that has not ended).
    expect(match).toEqual({ of: 12_000, similarity: 1, alignedAtMs: 12_000 + 149 * 20, remainingSoundMs: 150 * 20 });
    expect(memory.match({ atMs: 0, kind: 'speech', hashes: words(1, 300).subarray(250, 300) })?.remainingSoundMs).toBe(
      0,
    );
    expect(memory.match({ atMs: 0, kind: 'speech', hashes: words(2, 50) })).toBeNull();
    expect(memory.match({ atMs: 0, kind: 'music', hashes: words(1, 300).subarray(100, 150) })).toBeNull();
  });

  it('is bounded: the oldest segments are evicted first', () => {
    const memory = new InMemoryLineMemory({ maxWords: 500 });
    memory.remember({ atMs: 1, kind: 'speech', hashes: words(1, 300) });
    memory.remember({ atMs: 2, kind: 'speech', hashes: words(2, 300) });
    expect(memory.size).toEqual({ segments: 1, words: 300 });
    expect(memory.match({ atMs: 0, kind: 'speech', hashes: words(1, 300).subarray(0, 50) })).toBeNull();
    expect(memory.match({ atMs: 0, kind: 'speech', hashes: words(2, 300).subarray(0, 50) })?.of).toBe(2);
  });

  it('keeps the longest hold heard on the line, through JSON too', () => {
    const memory = new InMemoryLineMemory();
    expect(memory.heardHoldMs).toBe(0);
    memory.heardHold(30_000);
    memory.heardHold(12_000);
    memory.heardHold(Number.NaN);
    expect(memory.heardHoldMs).toBe(30_000);
    expect(InMemoryLineMemory.fromJSON(JSON.parse(JSON.stringify(memory.toJSON()))).heardHoldMs).toBe(30_000);
    // A memory written before the hold was kept has none.
    expect(InMemoryLineMemory.fromJSON({ version: 1, segments: [] }).heardHoldMs).toBe(0);
    expect(() => InMemoryLineMemory.fromJSON({ version: 1, segments: [], heardHoldMs: -1 })).toThrow(RangeError);
  });

  it('round-trips through compact JSON (base64 words) and rejects anything else', () => {
    const memory = new InMemoryLineMemory();
    memory.remember({ atMs: 5, kind: 'speech', hashes: words(3, 20_000) });
    const json = JSON.stringify(memory.toJSON());
    expect(json.length).toBeLessThan(120_000);
    const restored = InMemoryLineMemory.fromJSON(JSON.parse(json));
    expect(restored.match({ atMs: 0, kind: 'speech', hashes: words(3, 1500).subarray(900, 950) })?.of).toBe(5);
    expect(() => InMemoryLineMemory.fromJSON({ version: 2 })).toThrow(RangeError);
    expect(() => InMemoryLineMemory.fromJSON({ version: 1, segments: [{ atMs: 1, kind: 'x', hashes: '' }] })).toThrow(
      RangeError,
    );
    expect(() =>
      InMemoryLineMemory.fromJSON({ version: 1, segments: [{ atMs: 1, kind: 'speech', hashes: 'AAA' }] }),
    ).toThrow(RangeError);
  });

  it('compares with what the other legs are hearing now, never the asker’s own, and says so; it keeps 16 legs', () => {
    const memory = new InMemoryLineMemory();
    const legA = {};
    const legB = {};
    memory.hearing(legA, { atMs: 4_000, kind: 'speech', hashes: words(7, 200) });
    const probe = { atMs: 0, kind: 'speech' as const, hashes: words(7, 200).subarray(50, 100) };
    // Without a hearer only remembered recordings count; the leg that is hearing it is not told its own audio.
    expect(memory.match(probe)).toBeNull();
    expect(memory.match(probe, { hearer: legA })).toBeNull();
    expect(memory.match(probe, { hearer: legB })).toMatchObject({ of: 4_000, heardNow: true });
    memory.remember({ atMs: 9_000, kind: 'speech', hashes: words(8, 200) });
    const remembered = { atMs: 0, kind: 'speech' as const, hashes: words(8, 200).subarray(50, 100) };
    expect(memory.match(remembered, { hearer: legB })?.heardNow).toBeUndefined();
    expect(memory.match(remembered, { hearer: legB, onlyHeardNow: true })).toBeNull();
    // Nothing of it is persisted; a leg that stops hearing is gone.
    expect(memory.toJSON().segments).toHaveLength(1);
    memory.hearing(legA, null);
    expect(memory.match(probe, { hearer: legB })).toBeNull();
    memory.hearing(legA, { atMs: 4_000, kind: 'speech', hashes: words(7, 200) });
    for (let k = 0; k < 16; k++) memory.hearing({}, { atMs: k, kind: 'speech', hashes: words(100 + k, 60) });
    expect(memory.match(probe, { hearer: legB })).toBeNull();
  });
});
