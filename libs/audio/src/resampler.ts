/**
 * Streaming conversion of 16 and 24 kHz PCM (Exotel's optional rates) to the 8 kHz the rest of the
 * audio path works at. A Kaiser-windowed-sinc low-pass (flat to 3.3 kHz, -6 dB at 3.8 kHz, 60 dB
 * down from 4.3 kHz) removes what would alias into the telephone band, and only the kept output
 * samples are computed, folding the symmetric taps (about 5 µs a 20 ms frame at 24 kHz).
 * The filter's history is carried across push() calls, so how a stream is cut into chunks does not
 * change a single output sample. The output lags the input by the filter's group delay (about 2 ms).
 */

export type ResamplerInputRate = 8000 | 16000 | 24000;

export const RESAMPLER_OUTPUT_RATE = 8000;

// What aliases from 4.0-4.3 kHz lands at 3.7-4.0 kHz, above the 3.4 kHz telephone band.
const CUTOFF_HZ = 3800;
const TRANSITION_HZ = 1000;
const STOPBAND_ATTENUATION_DB = 60;

/** Zeroth-order modified Bessel function of the first kind, for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** A linear-phase low-pass FIR with unit gain at DC, designed by the Kaiser window method. */
export function designLowPass(
  sampleRate: number,
  cutoffHz: number,
  transitionHz: number,
  attenuationDb: number,
): Float64Array {
  const beta =
    attenuationDb > 50
      ? 0.1102 * (attenuationDb - 8.7)
      : 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  const deltaOmega = (2 * Math.PI * transitionHz) / sampleRate;
  let taps = Math.ceil((attenuationDb - 8) / (2.285 * deltaOmega)) + 1;
  if (taps % 2 === 0) taps++;
  const middle = (taps - 1) / 2;
  const normalisedCutoff = cutoffHz / sampleRate;
  const coefficients = new Float64Array(taps);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const t = n - middle;
    const sinc = t === 0 ? 2 * normalisedCutoff : Math.sin(2 * Math.PI * normalisedCutoff * t) / (Math.PI * t);
    const window = besselI0(beta * Math.sqrt(1 - (t / middle) ** 2)) / besselI0(beta);
    coefficients[n] = sinc * window;
    sum += coefficients[n];
  }
  for (let n = 0; n < taps; n++) coefficients[n] /= sum;
  return coefficients;
}

const FILTERS = new Map<number, Float64Array>();

function filterFor(fromRate: number): Float64Array {
  let filter = FILTERS.get(fromRate);
  if (!filter) {
    filter = designLowPass(fromRate, CUTOFF_HZ, TRANSITION_HZ, STOPBAND_ATTENUATION_DB);
    FILTERS.set(fromRate, filter);
  }
  return filter;
}

export class Resampler {
  private readonly factor: number;
  private readonly taps: Float64Array;
  /** The last taps.length - 1 input samples (oldest first), then the chunk being pushed. */
  private buffer: Float64Array;
  /** Input samples still to come before the next output sample is due (0 = the next one is). */
  private untilNextOutput = 0;

  constructor(readonly fromRate: ResamplerInputRate) {
    if (fromRate !== 8000 && fromRate !== 16000 && fromRate !== 24000) {
      throw new RangeError(`cannot resample from ${fromRate} Hz (8000, 16000 or 24000)`);
    }
    this.factor = fromRate / RESAMPLER_OUTPUT_RATE;
    this.taps = this.factor === 1 ? new Float64Array(0) : filterFor(fromRate);
    // Room for the history and a 20 ms frame at 24 kHz; grown for bigger chunks.
    this.buffer = new Float64Array(Math.max(0, this.taps.length - 1) + 480);
  }

  /** Returns the 8 kHz samples the chunk completes; 8 kHz input is returned as is (a copy). */
  push(pcm: Int16Array): Int16Array {
    if (this.factor === 1) return pcm.slice();
    const taps = this.taps;
    const history = taps.length - 1;
    if (this.buffer.length < history + pcm.length) {
      const grown = new Float64Array(history + pcm.length);
      grown.set(this.buffer.subarray(0, history));
      this.buffer = grown;
    }
    const input = this.buffer;
    for (let i = 0; i < pcm.length; i++) input[history + i] = pcm[i];

    const outputs =
      pcm.length > this.untilNextOutput ? Math.ceil((pcm.length - this.untilNextOutput) / this.factor) : 0;
    const out = new Int16Array(outputs);
    // The taps are symmetric (linear phase) and odd in number: pair the samples either side of the middle.
    const middle = history / 2;
    let newest = history + this.untilNextOutput;
    for (let o = 0; o < outputs; o++, newest += this.factor) {
      const oldest = newest - history;
      let acc = taps[middle] * input[oldest + middle];
      for (let k = 0; k < middle; k++) acc += taps[k] * (input[oldest + k] + input[newest - k]);
      const rounded = Math.round(acc);
      out[o] = Math.min(32767, Math.max(-32768, rounded));
    }
    this.untilNextOutput = newest - history - pcm.length;
    input.copyWithin(0, pcm.length, pcm.length + history);
    return out;
  }
}
