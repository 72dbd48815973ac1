/** Small signal helpers the synthesizers share. Work is done in float (±1 = full scale), stored as PCM16. */

export const TELEPHONE_RATE = 8000;

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

export function samplesFor(ms: number, sampleRate = TELEPHONE_RATE): number {
  return Math.max(0, Math.round((ms * sampleRate) / 1000));
}

export function floatToPcm16(signal: Float32Array | Float64Array): Int16Array {
  const pcm = new Int16Array(signal.length);
  for (let i = 0; i < signal.length; i++) {
    const value = Math.round(signal[i] * 32767);
    pcm[i] = Math.min(32767, Math.max(-32768, value));
  }
  return pcm;
}

export function pcm16ToFloat(pcm: Int16Array): Float32Array {
  const signal = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) signal[i] = pcm[i] / 32768;
  return signal;
}

export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** RMS level in dBFS (full-scale sine = -3 dB); -Infinity for digital silence. */
export function rmsDbfs(pcm: Int16Array, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i] * pcm[i];
  return 10 * Math.log10(sum / Math.max(1, to - from) / 32768 ** 2);
}

/** A second-order IIR section (RBJ audio-EQ cookbook), direct form I, state kept across calls. */
export class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  private constructor(
    private readonly b0: number,
    private readonly b1: number,
    private readonly b2: number,
    private readonly a1: number,
    private readonly a2: number,
  ) {}

  static lowPass(sampleRate: number, hz: number, q = Math.SQRT1_2): Biquad {
    const w = (2 * Math.PI * hz) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return new Biquad((1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, (-2 * cos) / a0, (1 - alpha) / a0);
  }

  static highPass(sampleRate: number, hz: number, q = Math.SQRT1_2): Biquad {
    const w = (2 * Math.PI * hz) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return new Biquad((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, (-2 * cos) / a0, (1 - alpha) / a0);
  }

  /** Constant 0 dB peak gain band-pass. */
  static bandPass(sampleRate: number, hz: number, q: number): Biquad {
    const w = (2 * Math.PI * hz) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return new Biquad(alpha / a0, 0, -alpha / a0, (-2 * cos) / a0, (1 - alpha) / a0);
  }

  process(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }

  processInPlace(signal: Float32Array | Float64Array): void {
    for (let i = 0; i < signal.length; i++) signal[i] = this.process(signal[i]);
  }
}

const VARISPEED_HALF_TAPS = 8;
const VARISPEED_PHASES = 512;
const varispeedTables = new Map<number, Float32Array>();

/** Windowed-sinc taps for VARISPEED_PHASES fractional positions, at a cutoff of `cutoff` x Nyquist. */
function varispeedTable(cutoff: number): Float32Array {
  const key = Math.round(cutoff * 1000);
  let table = varispeedTables.get(key);
  if (table) return table;
  const taps = 2 * VARISPEED_HALF_TAPS;
  table = new Float32Array((VARISPEED_PHASES + 1) * taps);
  for (let phase = 0; phase <= VARISPEED_PHASES; phase++) {
    const frac = phase / VARISPEED_PHASES;
    for (let j = 0; j < taps; j++) {
      // Tap j weighs sample centre - HALF + 1 + j, at distance t from the wanted position.
      const t = frac + VARISPEED_HALF_TAPS - 1 - j;
      const sinc = t === 0 ? cutoff : Math.sin(Math.PI * cutoff * t) / (Math.PI * t);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * t) / VARISPEED_HALF_TAPS);
      table[phase * taps + j] = sinc * window;
    }
  }
  varispeedTables.set(key, table);
  return table;
}

/**
 * Plays `pcm` back `factor` times faster (pitch and tempo together, like a tape), by windowed-sinc
 * interpolation. Used to make one rendered phrase sound like a different take of a person.
 */
export function varispeed(pcm: Int16Array, factor: number): Int16Array {
  const length = Math.floor(pcm.length / factor);
  const out = new Int16Array(length);
  const taps = 2 * VARISPEED_HALF_TAPS;
  // Faster than 1x, the cutoff comes down with the new Nyquist so nothing aliases.
  const table = varispeedTable(Math.min(1, 1 / factor) * 0.95);
  for (let n = 0; n < length; n++) {
    const position = n * factor;
    const centre = Math.floor(position);
    const row = Math.round((position - centre) * VARISPEED_PHASES) * taps;
    const first = centre - VARISPEED_HALF_TAPS + 1;
    let acc = 0;
    for (let j = 0; j < taps; j++) {
      const k = first + j;
      if (k >= 0 && k < pcm.length) acc += pcm[k] * table[row + j];
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}
