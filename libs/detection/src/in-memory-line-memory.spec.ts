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
});
