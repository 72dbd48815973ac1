import FFT from 'fft.js';

/** 8 kHz telephone audio in 20 ms frames. */
export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;
const FFT_SIZE = 256;
const BIN_HZ = SAMPLE_RATE / FFT_SIZE;
/** The telephone band; below and above it there is only channel noise. */
const LOW_BIN = Math.round(250 / BIN_HZ);
const HIGH_BIN = Math.round(3500 / BIN_HZ);
/** Log-spaced bands over 300–3400 Hz for the fingerprint and the voice profile. */
export const BAND_COUNT = 17;
const BAND_EDGES = bandEdges(300, 3400, BAND_COUNT);
/** dBFS of a frame of digital silence (log of zero is avoided). */
export const SILENT_DB = -100;
const PITCH_MIN_LAG = 10; // 400 Hz at 4 kHz
const PITCH_MAX_LAG = 50; // 80 Hz at 4 kHz
/** Below this level the spectrum is not computed (the quietest telephone line noise is above it). */
const SPECTRUM_MIN_DB = -65;
/** Below this level pitch is not worth the autocorrelation (it costs most of a frame's budget). */
const PITCH_MIN_DB = -55;

/** What one 20 ms frame sounds like. The analyzer reuses one object: copy what you keep. */
export interface FrameFeatures {
  /** RMS level, dBFS (full scale = 0). */
  energyDb: number;
  /** Zero crossings per sample, 0..1. */
  zcr: number;
  /** Spectral flatness (geometric / arithmetic mean of the bands' power density), 0..1: noise ≈ 1, a tone ≈ 0. */
  flatness: number;
  /** Positive spectral change from the previous frame: mean rise of the bands' levels (dB). */
  flux: number;
  centroidHz: number;
  /** Frequency below which 85 % of the band's power lies. */
  rolloffHz: number;
  /** Share of the band's power in its strongest two peaks (±1 bin each): a tone or DTMF ≈ 1. */
  peakShare: number;
  peakHz: number;
  /** Fundamental frequency, 0 when unvoiced. */
  pitchHz: number;
  /** Normalized autocorrelation at the pitch lag, 0..1. */
  voicing: number;
  /** Power of the BAND_COUNT bands (linear, unnormalized; only ratios matter). */
  bands: Float64Array;
}

/**
 * Computes FrameFeatures frame after frame. Stateful only in what the next frame needs (the last samples
 * for the 256-point window, the last spectrum for the flux), so the same frames always give the same features.
 */
export class FrameAnalyzer {
  private readonly fft = new FFT(FFT_SIZE);
  private readonly window = hann(FFT_SIZE);
  /** The last 320 samples (two frames), newest at the end. */
  private readonly history = new Float64Array(2 * FRAME_SAMPLES);
  private readonly input = new Float64Array(FFT_SIZE);
  private readonly spectrum: number[] = this.fft.createComplexArray();
  private readonly power = new Float64Array(FFT_SIZE / 2 + 1);
  private readonly previousBandLevel = new Float64Array(BAND_COUNT);
  private readonly decimated = new Float64Array(FRAME_SAMPLES);
  private readonly squares = new Float64Array(FRAME_SAMPLES + 1);
  private readonly scores = new Float64Array(PITCH_MAX_LAG + 2);
  private hasPrevious = false;
  private frameCount = 0;
  readonly features: FrameFeatures = {
    energyDb: SILENT_DB,
    zcr: 0,
    flatness: 1,
    flux: 0,
    centroidHz: 0,
    rolloffHz: 0,
    peakShare: 0,
    peakHz: 0,
    pitchHz: 0,
    voicing: 0,
    bands: new Float64Array(BAND_COUNT),
  };

  analyze(frame: Int16Array): FrameFeatures {
    const f = this.features;
    const h = this.history;
    h.copyWithin(0, FRAME_SAMPLES);
    let sum = 0;
    let crossings = 0;
    let previous = h[FRAME_SAMPLES - 1];
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const x = frame[i] / 32768;
      h[FRAME_SAMPLES + i] = x;
      sum += x * x;
      if (x >= 0 !== previous >= 0) crossings++;
      previous = x;
    }
    const meanSquare = sum / FRAME_SAMPLES;
    f.energyDb = meanSquare > 1e-10 ? 10 * Math.log10(meanSquare) : SILENT_DB;
    f.zcr = crossings / FRAME_SAMPLES;
    if (f.energyDb < SPECTRUM_MIN_DB) this.quietFrame();
    else this.spectralFeatures();
    // Pitch looks at 40 ms: every other frame is enough, and it is the costliest feature.
    if (this.frameCount++ % 2 === 0) this.pitch();
    return f;
  }

  /** Lost frames: the window must not splice audio from either side of the gap. */
  reset(): void {
    this.history.fill(0);
    this.hasPrevious = false;
  }

  /** Far below any line's noise: nothing to analyse, and quiet frames are most of a call's frames. */
  private quietFrame(): void {
    const f = this.features;
    f.flatness = 1;
    f.flux = 0;
    f.centroidHz = 0;
    f.rolloffHz = 0;
    f.peakShare = 0;
    f.peakHz = 0;
    f.bands.fill(1e-12);
    this.previousBandLevel.fill(-12);
  }

  private spectralFeatures(): void {
    const f = this.features;
    const offset = this.history.length - FFT_SIZE;
    for (let i = 0; i < FFT_SIZE; i++) this.input[i] = this.history[offset + i] * this.window[i];
    this.fft.realTransform(this.spectrum, this.input);
    const s = this.spectrum;
    let total = 0;
    let weighted = 0;
    for (let k = LOW_BIN; k <= HIGH_BIN; k++) {
      const p = s[2 * k] * s[2 * k] + s[2 * k + 1] * s[2 * k + 1] + 1e-12;
      this.power[k] = p;
      total += p;
      weighted += p * k;
    }
    // Flatness and flux on the 17 bands' power densities, not on 111 bins: a log per band, not per bin, and
    // the same verdicts (a tone fills one band, noise all alike; speech onsets raise several bands at once).
    let logSum = 0;
    let densitySum = 0;
    let flux = 0;
    for (let b = 0; b < BAND_COUNT; b++) {
      let e = 1e-12;
      for (let k = BAND_EDGES[b]; k < BAND_EDGES[b + 1]; k++) e += this.power[k];
      f.bands[b] = e;
      const density = e / (BAND_EDGES[b + 1] - BAND_EDGES[b]);
      densitySum += density;
      const level = Math.log10(density);
      logSum += level;
      if (this.hasPrevious) {
        const rise = level - this.previousBandLevel[b];
        if (rise > 0) flux += rise;
      }
      this.previousBandLevel[b] = level;
    }
    f.flatness = Math.min(1, 10 ** (logSum / BAND_COUNT) / (densitySum / BAND_COUNT));
    f.flux = this.hasPrevious ? (10 * flux) / BAND_COUNT : 0;
    f.centroidHz = total > 0 ? (weighted / total) * BIN_HZ : 0;
    let cumulative = 0;
    let rolloff = HIGH_BIN;
    for (let k = LOW_BIN; k <= HIGH_BIN; k++) {
      cumulative += this.power[k];
      if (cumulative >= 0.85 * total) {
        rolloff = k;
        break;
      }
    }
    f.rolloffHz = rolloff * BIN_HZ;
    // The two strongest peaks (a DTMF digit is two tones; a beep is one).
    let first = LOW_BIN;
    for (let k = LOW_BIN; k <= HIGH_BIN; k++) if (this.power[k] > this.power[first]) first = k;
    let second = -1;
    for (let k = LOW_BIN; k <= HIGH_BIN; k++) {
      if (Math.abs(k - first) <= 2) continue;
      if (second < 0 || this.power[k] > this.power[second]) second = k;
    }
    let peak = this.around(first);
    if (second >= 0) peak += this.around(second);
    f.peakShare = total > 0 ? Math.min(1, peak / total) : 0;
    f.peakHz = first * BIN_HZ;
    this.hasPrevious = true;
  }

  /** Normalized autocorrelation of the decimated window at `lag`. */
  private correlation(lag: number): number {
    const d = this.decimated;
    const n = FRAME_SAMPLES;
    let r = 0;
    for (let i = 0, j = lag; j < n; i++, j++) r += d[i] * d[j];
    const e0 = this.squares[n - lag];
    const e1 = this.squares[n] - this.squares[lag];
    return e0 > 0 && e1 > 0 ? r / Math.sqrt(e0 * e1) : 0;
  }

  private around(k: number): number {
    let e = 0;
    for (let j = Math.max(LOW_BIN, k - 1); j <= Math.min(HIGH_BIN, k + 1); j++) e += this.power[j];
    return e;
  }

  /** Normalized autocorrelation over the last 40 ms at 4 kHz (pairs averaged), lags 80–400 Hz. */
  private pitch(): void {
    const f = this.features;
    f.pitchHz = 0;
    f.voicing = 0;
    if (f.energyDb < PITCH_MIN_DB) return;
    const d = this.decimated;
    const h = this.history;
    for (let i = 0; i < FRAME_SAMPLES; i++) d[i] = h[2 * i] + h[2 * i + 1];
    const squares = this.squares;
    squares[0] = 0;
    for (let i = 0; i < FRAME_SAMPLES; i++) squares[i + 1] = squares[i] + d[i] * d[i];
    let bestLag = 0;
    let best = 0;
    // Even lags first, then the odd neighbours of the best: pitch peaks are wider than two lags at 4 kHz.
    for (let lag = PITCH_MIN_LAG; lag <= PITCH_MAX_LAG; lag += 2) {
      const score = this.correlation(lag);
      if (score > best) {
        best = score;
        bestLag = lag;
      }
    }
    if (bestLag === 0) return;
    let below = this.correlation(bestLag - 1);
    let above = this.correlation(bestLag + 1);
    if (below > best && bestLag - 1 >= PITCH_MIN_LAG) {
      above = best;
      best = below;
      bestLag--;
      below = this.correlation(bestLag - 1);
    } else if (above > best && bestLag + 1 <= PITCH_MAX_LAG) {
      below = best;
      best = above;
      bestLag++;
      above = this.correlation(bestLag + 1);
    }
    if (best < 0.5) return;
    const scores = this.scores;
    scores[bestLag - 1] = below;
    scores[bestLag] = best;
    scores[bestLag + 1] = above;
    // Parabolic interpolation of the peak for sub-sample pitch.
    const a = scores[bestLag - 1];
    const b = scores[bestLag];
    const c = scores[bestLag + 1];
    const denominator = a - 2 * b + c;
    const shift = denominator < 0 ? (0.5 * (a - c)) / denominator : 0;
    f.pitchHz = SAMPLE_RATE / 2 / (bestLag + Math.max(-0.5, Math.min(0.5, shift)));
    f.voicing = best;
  }
}

function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

function bandEdges(lowHz: number, highHz: number, count: number): Int32Array {
  const edges = new Int32Array(count + 1);
  for (let b = 0; b <= count; b++) edges[b] = Math.round((lowHz * (highHz / lowHz) ** (b / count)) / BIN_HZ);
  for (let b = 1; b <= count; b++) if (edges[b] <= edges[b - 1]) edges[b] = edges[b - 1] + 1;
  return edges;
}
