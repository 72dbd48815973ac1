import { designLowPass } from '@callfleet/audio';

/**
 * 8 kHz far-end audio raised to Exotel's 16 or 24 kHz: zeros between the samples, then the audio
 * library's low-pass (at the new rate, gain × factor) removes the images above 4 kHz. libs/audio's
 * Resampler only goes down to 8 kHz; only the simulator needs to go up. The filter's history is kept
 * across chunks, so chunking does not change the output.
 */
export class Upsampler {
  private readonly factor: number;
  private readonly taps: Float64Array;
  /** The last taps.length - 1 zero-stuffed input samples. */
  private history: Float64Array;

  constructor(readonly toRate: number) {
    if (toRate !== 8000 && toRate !== 16000 && toRate !== 24000) {
      throw new RangeError(`cannot stream at ${toRate} Hz (8000, 16000 or 24000)`);
    }
    this.factor = toRate / 8000;
    this.taps = this.factor === 1 ? new Float64Array(0) : designLowPass(toRate, 3600, 800, 60);
    this.history = new Float64Array(Math.max(0, this.taps.length - 1));
  }

  push(pcm8k: Int16Array): Int16Array {
    if (this.factor === 1) return pcm8k.slice();
    const { factor, taps } = this;
    const keep = taps.length - 1;
    const input = new Float64Array(keep + pcm8k.length * factor);
    input.set(this.history);
    for (let i = 0; i < pcm8k.length; i++) input[keep + i * factor] = pcm8k[i] * factor;
    const out = new Int16Array(pcm8k.length * factor);
    for (let o = 0; o < out.length; o++) {
      let acc = 0;
      for (let k = 0; k < taps.length; k++) acc += taps[k] * input[o + k];
      out[o] = Math.min(32767, Math.max(-32768, Math.round(acc)));
    }
    this.history = input.slice(input.length - keep);
    return out;
  }
}
