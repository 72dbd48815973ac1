import { Resampler } from './resampler';

function tone(rate: number, hz: number, seconds: number, amplitude = 10000): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, n) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * n) / rate)),
  );
}

/** RMS after the filter has filled (the first 20 ms are skipped). */
function rms(pcm: Int16Array, rate: number): number {
  const from = Math.round(rate * 0.02);
  let sum = 0;
  for (let i = from; i < pcm.length; i++) sum += pcm[i] ** 2;
  return Math.sqrt(sum / (pcm.length - from));
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('Resampler to 8 kHz', () => {
  it.each([16000, 24000] as const)('keeps a 1 kHz tone at its level from %i Hz, at 8 kHz', (rate) => {
    const input = tone(rate, 1000, 1);
    const output = new Resampler(rate).push(input);
    expect(output.length).toBe(8000);
    expect(Math.abs(db(rms(output, 8000) / rms(input, rate)))).toBeLessThan(0.1);
    // Still a 1 kHz tone: 8 samples a period at 8 kHz, so a sample matches the one 8 later.
    for (let i = 200; i < 300; i++) expect(Math.abs(output[i] - output[i + 8])).toBeLessThan(50);
  });

  it.each([16000, 24000] as const)('attenuates a 6 kHz tone from %i Hz by at least 40 dB (no alias)', (rate) => {
    const input = tone(rate, 6000, 1);
    const output = new Resampler(rate).push(input);
    expect(db(rms(output, 8000) / rms(input, rate))).toBeLessThan(-40);
  });

  it.each([16000, 24000] as const)(
    'is flat to 3.3 kHz and removes what would alias into the band, from %i Hz',
    (rate) => {
      const passband = tone(rate, 3300, 1);
      expect(Math.abs(db(rms(new Resampler(rate).push(passband), 8000) / rms(passband, rate)))).toBeLessThan(0.5);
      // 4.6 kHz would land at 3.4 kHz.
      const alias = tone(rate, 4600, 1);
      expect(db(rms(new Resampler(rate).push(alias), 8000) / rms(alias, rate))).toBeLessThan(-50);
    },
  );

  it('passes 8 kHz through unchanged, as a copy', () => {
    const input = tone(8000, 1000, 0.1);
    const output = new Resampler(8000).push(input);
    expect(output).toEqual(input);
    expect(output.buffer).not.toBe(input.buffer);
  });

  it.each([16000, 24000] as const)('gives the same samples from %i Hz however the stream is chunked', (rate) => {
    const input = Int16Array.from({ length: rate }, (_, n) =>
      Math.round(8000 * Math.sin(n / 3) + 3000 * Math.sin(n / 0.7)),
    );
    const whole = new Resampler(rate).push(input);
    const chunked = new Resampler(rate);
    const pieces: Int16Array[] = [];
    let seed = 7;
    for (let at = 0; at < input.length; ) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const size = seed % 700; // includes empty and 1-sample chunks
      pieces.push(chunked.push(input.subarray(at, at + size)));
      at += size;
    }
    const joined = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const piece of pieces) {
      joined.set(piece, offset);
      offset += piece.length;
    }
    expect(joined).toEqual(whole);
  });

  it('refuses a rate it cannot convert', () => {
    expect(() => new Resampler(44100 as 8000)).toThrow(RangeError);
  });
});
