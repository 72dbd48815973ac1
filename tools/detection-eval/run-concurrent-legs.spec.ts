import { InMemoryLineMemory } from '@callfleet/detection';
import { runConcurrentLegs } from './run-concurrent-legs';
import { runDetectorOnSamples } from './run-detection-file';

/** A tone burst pattern: enough to run the detector (decisions are the detector's own specs' business). */
function audio(seconds: number): Int16Array {
  const out = new Int16Array(seconds * 8000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  return out;
}

describe('runConcurrentLegs', () => {
  it('feeds every leg all its frames, each from its own start, and gives the same result as alone for one leg', () => {
    const alone = runDetectorOnSamples(audio(3));
    const [one] = runConcurrentLegs([{ samples: audio(3), startsAtMs: 0 }]);
    expect(one.frames).toBe(alone.frames);
    expect(one.decidedAtMs).toBe(alone.decidedAtMs);
    const runs = runConcurrentLegs(
      [
        { samples: audio(2), startsAtMs: 0 },
        { samples: audio(1), startsAtMs: 1500 },
      ],
      new InMemoryLineMemory(),
    );
    expect(runs.map((r) => r.frames)).toEqual([100, 50]);
  });
});
