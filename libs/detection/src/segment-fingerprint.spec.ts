import { FrameAnalyzer } from './frame-features';
import { alignHashes, FingerprintHasher, popcount32, QUIET_WORD, similarityOf } from './segment-fingerprint';
import { concat, degrade, frames, silence, syllables } from './test-signals';

function hashes(samples: Int16Array): Uint32Array {
  const analyzer = new FrameAnalyzer();
  const hasher = new FingerprintHasher();
  const words: number[] = [];
  for (const frame of frames(samples)) {
    const word = hasher.push(analyzer.analyze(frame).bands);
    if (word >= 0) words.push(word);
  }
  return Uint32Array.from(words);
}

describe('segment fingerprints', () => {
  const announcement = syllables(11, 4000);
  const stored = hashes(concat(silence(200), announcement));

  it('counts bits', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
  });

  it('finds a replay 1 s into it, through a level change, noise, quantization and a 7 ms shift', () => {
    const replay = degrade(concat(new Int16Array(56), announcement.subarray(8000)), 0.4, 5, 150);
    const probe = hashes(replay).subarray(0, 45);
    const match = alignHashes(probe, stored);
    expect(match).not.toBeNull();
    expect(similarityOf(match?.ber ?? 0.5)).toBeGreaterThan(0.4);
  });

  it('finds no match for other speech of the same voice', () => {
    const other = hashes(syllables(12, 2000, 110));
    expect(alignHashes(other.subarray(0, 50), stored)).toBeNull();
  });

  it('needs 0.8 s of probe before it trusts a match', () => {
    expect(alignHashes(stored.subarray(100, 135), stored)).toBeNull();
    expect(alignHashes(stored.subarray(100, 141), stored)).not.toBeNull();
  });

  it('skips quiet words on either side (pauses, line noise that differs between calls)', () => {
    const probe = stored.slice(100, 150);
    const memory = stored.slice();
    for (let k = 10; k < 15; k++) probe[k] = QUIET_WORD;
    for (let k = 130; k < 135; k++) memory[k] = QUIET_WORD;
    expect(alignHashes(probe, memory)?.ber).toBe(0);
  });
});
