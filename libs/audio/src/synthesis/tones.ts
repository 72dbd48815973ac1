import { createRandom } from './random';
import { Biquad, dbToGain, floatToPcm16, samplesFor, TELEPHONE_RATE } from './signal';

const DTMF_ROWS = [697, 770, 852, 941];
const DTMF_COLUMNS = [1209, 1336, 1477, 1633];
const DTMF_KEYS = ['123A', '456B', '789C', '*0#D'];

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export interface ToneOptions {
  /** Level of each component's peak, in dBFS. */
  levelDb?: number;
  sampleRate?: number;
}

/** 5 ms raised-cosine edges: a hard-keyed tone clicks across the whole band. */
function withEdges(signal: Float32Array, sampleRate: number): Float32Array {
  const ramp = Math.min(Math.floor(signal.length / 2), samplesFor(5, sampleRate));
  for (let i = 0; i < ramp; i++) {
    const gain = 0.5 - 0.5 * Math.cos((Math.PI * i) / ramp);
    signal[i] *= gain;
    signal[signal.length - 1 - i] *= gain;
  }
  return signal;
}

function sines(
  frequencies: readonly number[],
  ms: number,
  { levelDb = -10, sampleRate = TELEPHONE_RATE }: ToneOptions,
) {
  const signal = new Float32Array(samplesFor(ms, sampleRate));
  const amplitude = dbToGain(levelDb);
  for (let i = 0; i < signal.length; i++) {
    for (const hz of frequencies) signal[i] += amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate);
  }
  return floatToPcm16(withEdges(signal, sampleRate));
}

/** The dual tone of a DTMF key (ITU-T Q.23). Throws RangeError for anything that is not a key. */
export function dtmfTone(digit: string, ms: number, options: ToneOptions = {}): Int16Array {
  const row = DTMF_KEYS.findIndex((keys) => keys.includes(digit.toUpperCase()));
  if (digit.length !== 1 || row < 0) throw new RangeError(`not a DTMF key: ${JSON.stringify(digit)}`);
  const column = DTMF_KEYS[row].indexOf(digit.toUpperCase());
  return sines([DTMF_ROWS[row], DTMF_COLUMNS[column]], ms, { levelDb: -12, ...options });
}

/** A pure tone, as a voicemail system's "leave a message after the tone". */
export function beep(freqHz: number, ms: number, options: ToneOptions = {}): Int16Array {
  return sines([freqHz], ms, { levelDb: -8, ...options });
}

export function silence(ms: number, sampleRate = TELEPHONE_RATE): Int16Array {
  return new Int16Array(samplesFor(ms, sampleRate));
}

export interface LineNoiseOptions {
  ms: number;
  seed: number;
  /** RMS level in dBFS. */
  levelDb?: number;
  /** white: hiss; pink: room/line rumble; brown: low roar. */
  color?: 'white' | 'pink' | 'brown';
  /** Adds mains hum at this frequency (50 or 60 Hz and its odd harmonics), 6 dB under the noise. */
  humHz?: number;
  sampleRate?: number;
}

/** Steady background noise of a line: hiss, rumble, optional mains hum. */
export function lineNoise(options: LineNoiseOptions): Int16Array {
  const { ms, seed, levelDb = -55, color = 'pink', humHz, sampleRate = TELEPHONE_RATE } = options;
  return floatToPcm16(lineNoiseFloat(samplesFor(ms, sampleRate), seed, levelDb, color, humHz, sampleRate));
}

export function lineNoiseFloat(
  length: number,
  seed: number,
  levelDb: number,
  color: 'white' | 'pink' | 'brown',
  humHz: number | undefined,
  sampleRate = TELEPHONE_RATE,
): Float32Array {
  const random = createRandom(seed);
  const signal = new Float32Array(length);
  // Paul Kellet's economical pink filter.
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let brown = 0;
  for (let i = 0; i < length; i++) {
    const white = random.next() * 2 - 1;
    if (color === 'white') signal[i] = white;
    else if (color === 'pink') {
      b0 = 0.99765 * b0 + white * 0.099046;
      b1 = 0.963 * b1 + white * 0.2965164;
      b2 = 0.57 * b2 + white * 1.0526913;
      signal[i] = b0 + b1 + b2 + white * 0.1848;
    } else {
      brown = 0.98 * brown + white * 0.2;
      signal[i] = brown;
    }
  }
  const highPass = Biquad.highPass(sampleRate, 40);
  highPass.processInPlace(signal);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += signal[i] * signal[i];
  const rms = Math.sqrt(sum / Math.max(1, length)) || 1;
  const scale = dbToGain(levelDb) / rms;
  const humAmplitude = humHz ? dbToGain(levelDb - 6) * Math.SQRT2 : 0;
  for (let i = 0; i < length; i++) {
    signal[i] *= scale;
    if (humHz) {
      const phase = (2 * Math.PI * humHz * i) / sampleRate;
      signal[i] += humAmplitude * (Math.sin(phase) + 0.5 * Math.sin(3 * phase) + 0.25 * Math.sin(5 * phase));
    }
  }
  return signal;
}
