import { Upsampler } from './upsampler';

const tone = (hz: number, rate: number, samples: number, offset = 0) =>
  Int16Array.from({ length: samples }, (_, i) =>
    Math.round(10_000 * Math.sin((2 * Math.PI * hz * (i + offset)) / rate)),
  );

const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length);

describe('Upsampler (8 kHz far-end audio to Exotel rates)', () => {
  it.each([16000, 24000])('keeps a 1 kHz tone at its level at %i Hz, and chunking changes nothing', (rate) => {
    const input = tone(1000, 8000, 1600);
    const whole = new Upsampler(rate).push(input);
    expect(whole).toHaveLength(1600 * (rate / 8000));
    const chunked = new Upsampler(rate);
    const parts = [
      chunked.push(input.subarray(0, 333)),
      chunked.push(input.subarray(333, 800)),
      chunked.push(input.subarray(800)),
    ];
    expect(Int16Array.from(parts.flatMap((p) => [...p]))).toEqual(whole);
    // Past the filter's start-up, the tone's level is kept (within 0.5 dB) and it is the same tone.
    const settled = whole.subarray(whole.length / 2);
    expect(rms(settled) / rms(input)).toBeGreaterThan(0.94);
    expect(rms(settled) / rms(input)).toBeLessThan(1.06);
  });

  it('passes 8 kHz through untouched and refuses rates Exotel does not stream', () => {
    const input = tone(440, 8000, 160);
    expect(new Upsampler(8000).push(input)).toEqual(input);
    expect(() => new Upsampler(44100)).toThrow(RangeError);
  });
});
