import { FRAME_SAMPLES, FrameAnalyzer, SILENT_DB } from './frame-features';
import { frames, seededNoise, sine } from './test-signals';

function lastFeatures(samples: Int16Array) {
  const analyzer = new FrameAnalyzer();
  let features = analyzer.analyze(new Int16Array(FRAME_SAMPLES));
  for (const frame of frames(samples)) features = analyzer.analyze(frame);
  return { ...features, bands: Float64Array.from(features.bands) };
}

describe('FrameAnalyzer', () => {
  it('measures the level in dBFS: a full-scale sine is -3 dB, half scale -9 dB, digital silence the floor', () => {
    expect(lastFeatures(sine(1000, 100, 32767)).energyDb).toBeCloseTo(-3, 0);
    expect(lastFeatures(sine(1000, 100, 16384)).energyDb).toBeCloseTo(-9, 0);
    expect(lastFeatures(new Int16Array(800)).energyDb).toBe(SILENT_DB);
  });

  it('tells a tone (one peak, not flat) from noise (flat, many crossings)', () => {
    const tone = lastFeatures(sine(1000, 100));
    const noise = lastFeatures(seededNoise(3, 100, 8000));
    expect(tone.peakShare).toBeGreaterThan(0.9);
    expect(tone.peakHz).toBeGreaterThan(950);
    expect(tone.peakHz).toBeLessThan(1050);
    expect(tone.flatness).toBeLessThan(0.05);
    expect(noise.flatness).toBeGreaterThan(0.3);
    expect(noise.zcr).toBeGreaterThan(tone.zcr);
  });

  it('finds the pitch of a voiced sound (harmonics of 120 Hz) and none in noise', () => {
    const voiced = new Int16Array(1600);
    for (let i = 0; i < voiced.length; i++)
      for (let h = 1; h <= 8; h++) voiced[i] += Math.round((3000 / h) * Math.sin((2 * Math.PI * 120 * h * i) / 8000));
    const f = lastFeatures(voiced);
    expect(f.pitchHz).toBeGreaterThan(115);
    expect(f.pitchHz).toBeLessThan(125);
    expect(f.voicing).toBeGreaterThan(0.8);
    expect(lastFeatures(seededNoise(5, 200, 8000)).pitchHz).toBe(0);
  });

  it('puts a sine’s centroid and roll-off near its frequency and sees flux when the sound changes', () => {
    const analyzer = new FrameAnalyzer();
    for (const frame of frames(sine(500, 100))) analyzer.analyze(frame);
    const steady = analyzer.features.flux;
    expect(analyzer.features.centroidHz).toBeGreaterThan(400);
    expect(analyzer.features.centroidHz).toBeLessThan(700);
    analyzer.analyze(frames(sine(2000, 20))[0]);
    expect(analyzer.features.flux).toBeGreaterThan(steady + 1);
  });

  it('is deterministic', () => {
    expect(lastFeatures(seededNoise(9, 300, 5000))).toEqual(lastFeatures(seededNoise(9, 300, 5000)));
  });
});
