import { decodeMulaw, encodeMulaw } from '../g711';
import { HOLD_MUSIC_STYLES, synthesizeHoldMusic } from './hold-music';
import { createRandom } from './random';
import { rmsDbfs, varispeed } from './signal';
import { telephoneChannel } from './telephone-channel';
import { beep, dtmfTone, lineNoise, silence } from './tones';

/** Power of `hz` in `pcm` relative to a full-scale sine, in dB (Goertzel). */
function toneDb(pcm: Int16Array, hz: number, rate = 8000): number {
  const w = (2 * Math.PI * hz) / rate;
  const coefficient = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const sample of pcm) {
    const s0 = sample / 32768 + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return 10 * Math.log10((4 * power) / pcm.length ** 2);
}

const sine = (hz: number, seconds: number, amplitude = 8000) =>
  Int16Array.from({ length: 8000 * seconds }, (_, n) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * n) / 8000)),
  );

describe('seeded random', () => {
  it('repeats for a seed, and forks independent streams', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(createRandom(5).fork('x').next()).toBe(createRandom(5).fork('x').next());
    expect(createRandom(5).fork('x').next()).not.toBe(createRandom(5).fork('y').next());
  });
});

describe('tones', () => {
  it('DTMF keys are their row and column frequencies', () => {
    const five = dtmfTone('5', 100);
    expect(five.length).toBe(800);
    expect(toneDb(five, 770)).toBeGreaterThan(-16);
    expect(toneDb(five, 1336)).toBeGreaterThan(-16);
    expect(toneDb(five, 697)).toBeLessThan(-40);
    expect(toneDb(dtmfTone('#', 100), 1477)).toBeGreaterThan(-16);
    expect(() => dtmfTone('x', 100)).toThrow(RangeError);
  });

  it('a beep is one tone, silence is zeros, noise is at its level', () => {
    expect(toneDb(beep(1000, 500), 1000)).toBeGreaterThan(-10);
    expect(silence(20)).toEqual(new Int16Array(160));
    expect(rmsDbfs(lineNoise({ ms: 2000, seed: 1, levelDb: -40 }))).toBeCloseTo(-40, 0);
    expect(lineNoise({ ms: 100, seed: 1 })).toEqual(lineNoise({ ms: 100, seed: 1 }));
  });
});

describe('hold music', () => {
  it.each(HOLD_MUSIC_STYLES)('%s: the same for a seed, other for another, at its level', (style) => {
    const music = synthesizeHoldMusic({ style, seconds: 3, seed: 11, levelDb: -20 });
    expect(music.length).toBe(24000);
    expect(rmsDbfs(music)).toBeGreaterThan(-22);
    expect(rmsDbfs(music)).toBeLessThan(-18);
    expect(synthesizeHoldMusic({ style, seconds: 3, seed: 11, levelDb: -20 })).toEqual(music);
    expect(synthesizeHoldMusic({ style, seconds: 3, seed: 12, levelDb: -20 })).not.toEqual(music);
  });

  it('fades out to silence at the end when asked', () => {
    const music = synthesizeHoldMusic({ style: 'pad-ambient', seconds: 6, seed: 3, fadeOutSeconds: 3 });
    expect(rmsDbfs(music, 0, 8000)).toBeGreaterThan(rmsDbfs(music, 36000, 44000) + 6);
    expect(rmsDbfs(music, 47840, 48000)).toBeLessThan(-60);
  });

  it('refuses a style it does not know', () => {
    expect(() => synthesizeHoldMusic({ style: 'polka' as 'pad-ambient', seconds: 1, seed: 1 })).toThrow(RangeError);
  });
});

describe('the telephone channel', () => {
  const clean = { seed: 1, noiseDb: null, codec: 'none' } as const;

  it('passes the voice band and cuts below 300 Hz and above 3400 Hz', () => {
    expect(toneDb(telephoneChannel(sine(1000, 1), clean), 1000)).toBeGreaterThan(toneDb(sine(1000, 1), 1000) - 1);
    expect(toneDb(telephoneChannel(sine(100, 1), clean), 100)).toBeLessThan(toneDb(sine(100, 1), 100) - 18);
    expect(toneDb(telephoneChannel(sine(3800, 1), clean), 3800)).toBeLessThan(toneDb(sine(3800, 1), 3800) - 12);
  });

  it('applies gain, step changes and noise', () => {
    const tone = sine(1000, 2);
    expect(rmsDbfs(telephoneChannel(tone, { ...clean, gainDb: -6 }), 4000)).toBeCloseTo(rmsDbfs(tone, 4000) - 6, 0);
    const stepped = telephoneChannel(tone, { ...clean, gainSteps: [{ atMs: 1000, gainDb: 10 }] });
    expect(rmsDbfs(stepped, 9000) - rmsDbfs(stepped, 2000, 7000)).toBeCloseTo(10, 0);
    expect(
      rmsDbfs(telephoneChannel(new Int16Array(16000), { seed: 1, noiseDb: -45, codec: 'none', bandPass: false })),
    ).toBeCloseTo(-45, 0);
  });

  it('leaves only G.711 levels after the μ-law round trip', () => {
    const out = telephoneChannel(sine(700, 1), { seed: 2 });
    expect(decodeMulaw(encodeMulaw(out))).toEqual(out);
  });

  it('zeroes whole 20 ms frames at about the lost-frame rate, the same ones for a seed', () => {
    const tone = sine(1000, 20, 10000);
    const out = telephoneChannel(tone, { ...clean, lostFrameRate: 0.05 });
    let lost = 0;
    let partlyZeroed = 0;
    for (let frame = 0; frame < 1000; frame++) {
      const samples = out.subarray(frame * 160, frame * 160 + 160);
      if (samples.every((s) => s === 0)) lost++;
      else if (samples.filter((s) => s === 0).length > 10) partlyZeroed++;
    }
    expect(partlyZeroed).toBe(0);
    expect(lost).toBeGreaterThan(25);
    expect(lost).toBeLessThan(80);
    expect(telephoneChannel(tone, { ...clean, lostFrameRate: 0.05 })).toEqual(out);
  });
});

describe('varispeed', () => {
  it('moves a tone in pitch and shortens or lengthens it', () => {
    const faster = varispeed(sine(1000, 1), 1.05);
    expect(faster.length).toBe(Math.floor(8000 / 1.05));
    expect(toneDb(faster, 1050)).toBeGreaterThan(-20);
    expect(toneDb(faster, 1000)).toBeLessThan(toneDb(faster, 1050) - 20);
  });
});
