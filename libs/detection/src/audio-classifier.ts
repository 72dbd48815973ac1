import type { AudioClass } from '@callfleet/contracts';
import type { FrameFeatures } from './frame-features';

/** Frames in the speech/music window (0.64 s at 20 ms: enough for two syllables at 4 Hz). */
const WINDOW = 32;
/** The quietest a line's noise floor may be taken to be; digital silence is far below. */
const FLOOR_MIN_DB = -75;
/** A frame is active when this far above the noise floor (and above ACTIVE_MIN_DB). */
const ACTIVE_ABOVE_FLOOR_DB = 12;
const ACTIVE_MIN_DB = -50;
/** The floor follows quiet frames down at once and creeps up slowly, so continuous music stays active. */
const FLOOR_RISE_DB_PER_FRAME = 0.01;
const FLOOR_MAX_DB = -35;
/** Hysteresis: frames a new class must persist before it is reported. */
const HOLD_FRAMES: Record<AudioClass, number> = { speech: 5, music: 12, silence: 1, tone: 1 };
/** Inactive frames before a pause counts as silence (pauses inside a sentence are shorter). */
const SILENCE_FRAMES = 15;
/** A beep or DTMF digit: one or two steady peaks for at least 100 ms. */
const TONE_MIN_FRAMES = 5;
const TONE_IN_SPEECH_MIN_FRAMES = 12;
/** Steady pitches this close together (1 s) make a melody, and the tone class stays off for 3 s after. */
const MELODY_GAP_FRAMES = 50;
const MELODY_HOLD_FRAMES = 150;
/** A frame whose bands rose this much on average is a change (a phone boundary, a note onset). */
const FLUX_CHANGE_DB = 2.5;

/** Per-frame labels before the window: what a single frame can tell. */
export type FrameLabel = 'silent' | 'tonal' | 'active';

export interface ClassifierState {
  /** The class after hysteresis. */
  kind: AudioClass;
  /** The class at this frame before hysteresis (what the window says now). */
  raw: AudioClass;
  confidence: number;
  label: FrameLabel;
  /** 0..1, speech-like (syllabic modulation, pauses, gliding pitch) vs music-like (steady, continuous). */
  speechScore: number;
  /** True at the frame the reported class changed. */
  changed: boolean;
  /** Where the reported class's current run began, in frames (the first frame of the raw run). */
  sinceFrame: number;
  noiseFloorDb: number;
}

/**
 * Speech / music / silence / tone from frame features, with hysteresis over ~0.1–0.4 s. The window cues
 * follow the speech/music literature: 4 Hz modulation of the energy envelope, the share of low-energy
 * frames (speech pauses between syllables, music runs on), pitch that glides (speech) or holds (notes),
 * a peaky spectrum (a few partials) and how often the spectrum changes (every phone vs every note).
 */
export class AudioClassifier {
  private frame = 0;
  private floor = FLOOR_MIN_DB;
  private readonly energy = new Float64Array(WINDOW);
  private readonly active = new Uint8Array(WINDOW);
  private readonly pitch = new Float64Array(WINDOW);
  private readonly flux = new Float64Array(WINDOW);
  private readonly peak = new Float64Array(WINDOW);
  private toneRun = 0;
  private lastTonalFrame = Number.NEGATIVE_INFINITY;
  private melodyUntil = 0;
  private toneHz = 0;
  private smoothedScore = 0.5;
  /** The window's cues behind speechScore (for inspection and tests). */
  readonly cues = { lowShare: 0, modulationShare: 0, steadyShare: 0, peakiness: 0, changeShare: 0 };
  private candidate: AudioClass = 'silence';
  private candidateSince = 0;
  private candidateFrames = 0;
  readonly state: ClassifierState = {
    kind: 'silence',
    raw: 'silence',
    confidence: 0.5,
    label: 'silent',
    speechScore: 0,
    changed: false,
    sinceFrame: 0,
    noiseFloorDb: FLOOR_MIN_DB,
  };

  push(f: FrameFeatures): ClassifierState {
    const s = this.state;
    const i = this.frame % WINDOW;
    this.frame++;
    if (f.energyDb < this.floor) this.floor = Math.max(FLOOR_MIN_DB, f.energyDb);
    else this.floor = Math.min(FLOOR_MAX_DB, this.floor + FLOOR_RISE_DB_PER_FRAME);
    const isActive = f.energyDb > Math.max(ACTIVE_MIN_DB, this.floor + ACTIVE_ABOVE_FLOOR_DB);
    const tonal = isActive && f.peakShare > 0.9 && f.flatness < 0.05;
    if (tonal && this.toneRun > 0 && Math.abs(f.peakHz - this.toneHz) <= 40) this.toneRun++;
    else {
      // A new steady pitch soon after another one is a melody (synthesized hold music), not a beep.
      if (tonal && this.frame - this.lastTonalFrame < MELODY_GAP_FRAMES && Math.abs(f.peakHz - this.toneHz) > 40)
        this.melodyUntil = this.frame + MELODY_HOLD_FRAMES;
      this.toneRun = tonal ? 1 : 0;
    }
    if (tonal) {
      this.toneHz = f.peakHz;
      this.lastTonalFrame = this.frame;
    }
    this.energy[i] = f.energyDb;
    this.active[i] = isActive ? 1 : 0;
    this.pitch[i] = isActive ? f.pitchHz : 0;
    this.flux[i] = isActive ? f.flux : 0;
    this.peak[i] = isActive ? f.peakShare : 0;
    s.label = !isActive ? 'silent' : tonal ? 'tonal' : 'active';
    s.noiseFloorDb = this.floor;
    // The window moves 20 ms a frame and spans 640 ms: scoring every other frame loses nothing.
    if (this.frame % 2 === 0 || this.frame < WINDOW) s.speechScore = this.speechScore();
    this.smoothedScore += 0.15 * (s.speechScore - this.smoothedScore);
    let raw: AudioClass;
    // In speech a held vowel can be as pure as a beep for 100 ms; a beep after speech lasts longer.
    const toneFrames = s.kind === 'speech' ? TONE_IN_SPEECH_MIN_FRAMES : TONE_MIN_FRAMES;
    if (this.toneRun >= toneFrames && s.kind !== 'music' && this.frame > this.melodyUntil) raw = 'tone';
    else if (this.recentActive(SILENCE_FRAMES) === 0) raw = 'silence';
    else if (s.kind === 'silence') {
      if (!isActive) raw = s.kind;
      else {
        // A fresh start: the window is mostly the silence before and tells little. Sound after silence on a
        // call is speech more often than not; music corrects itself once the window fills.
        this.smoothedScore = 0.5;
        raw = 'speech';
      }
    } else if (s.kind === 'tone') {
      // Sound right after a steady tone is more often the next note than a voice.
      raw = !isActive ? 'tone' : this.smoothedScore > 0.6 ? 'speech' : 'music';
    } else if (s.kind === 'speech') raw = this.smoothedScore < 0.35 ? 'music' : 'speech';
    // Music that stops for a voice: the window's own score jumps before the smoothed one follows.
    else raw = this.smoothedScore > 0.6 || s.speechScore > 0.75 ? 'speech' : 'music';
    s.raw = raw;
    this.hysteresis(raw);
    return s;
  }

  private hysteresis(raw: AudioClass): void {
    const s = this.state;
    s.changed = false;
    if (raw !== this.candidate) {
      this.candidate = raw;
      this.candidateSince = this.frame - 1;
      this.candidateFrames = 0;
    }
    this.candidateFrames++;
    if (raw === s.kind) return;
    if (this.candidateFrames >= HOLD_FRAMES[raw]) {
      s.kind = raw;
      s.sinceFrame = this.candidateSince;
      s.changed = true;
      s.confidence =
        raw === 'speech' || raw === 'music'
          ? Math.min(0.99, 0.5 + Math.abs(s.speechScore - 0.5))
          : raw === 'tone'
            ? 0.9
            : 0.8;
    }
  }

  private recentActive(frames: number): number {
    let n = 0;
    for (let k = 0; k < frames && k < this.frame; k++) n += this.active[(this.frame - 1 - k + WINDOW * 2) % WINDOW];
    return n;
  }

  /** 0..1 from the window: a fixed blend of cues (not fitted to one corpus). */
  private speechScore(): number {
    const n = Math.min(this.frame, WINDOW);
    if (n < 8) return 0.5;
    let max = -200;
    let count = 0;
    for (let k = 0; k < n; k++) {
      if (!this.active[k]) continue;
      count++;
      if (this.energy[k] > max) max = this.energy[k];
    }
    if (count === 0) return 0.5;
    // Share of frames well below the window's peak: the gaps between syllables and words.
    let low = 0;
    for (let k = 0; k < n; k++) if (!this.active[k] || this.energy[k] < max - 15) low++;
    const lowShare = low / n;
    // 4 Hz modulation: envelope power at 2.5–7 Hz over all non-DC envelope power (dB envelope, clipped at floor).
    const start = this.frame - n;
    let mean = 0;
    for (let k = 0; k < n; k++) mean += this.envelope(start + k);
    mean /= n;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const v = this.envelope(start + k) - mean;
      total += v * v;
    }
    let modulation = 0;
    if (n === WINDOW) {
      for (let bin = 0; bin < MODULATION_BINS.length; bin++) {
        const cos = MODULATION_COS[bin];
        const sin = MODULATION_SIN[bin];
        let re = 0;
        let im = 0;
        for (let k = 0; k < n; k++) {
          const v = this.envelope(start + k) - mean;
          re += v * cos[k];
          im += v * sin[k];
        }
        modulation += (2 * (re * re + im * im)) / n;
      }
    }
    const modulationShare = total > 1e-6 ? Math.min(1, modulation / total) : 0;
    // Pitch: steady notes (voiced frames 100 ms apart within 1 %) vs gliding speech.
    let voiced = 0;
    let steady = 0;
    for (let k = 5; k < n; k++) {
      const a = this.pitch[(start + k - 5) % WINDOW];
      const b = this.pitch[(start + k) % WINDOW];
      if (a > 0 && b > 0) {
        voiced++;
        if (Math.abs(a - b) / b < 0.01) steady++;
      }
    }
    const steadyShare = voiced >= 4 ? steady / voiced : 0.3;
    // Synthesized and most recorded music is peaky (a few partials carry the power) and changes only at note
    // onsets; speech spreads its power over formants and changes at every phone.
    let peakSum = 0;
    let changing = 0;
    for (let k = 0; k < n; k++) {
      if (!this.active[k]) continue;
      peakSum += this.peak[k];
      if (this.flux[k] > FLUX_CHANGE_DB) changing++;
    }
    const peakiness = peakSum / count;
    const changeShare = changing / count;
    this.cues.peakiness = peakiness;
    this.cues.changeShare = changeShare;
    const score =
      0.25 * clamp01((lowShare - 0.05) / 0.3) +
      0.15 * clamp01((modulationShare - 0.15) / 0.45) +
      0.1 * clamp01((0.8 - steadyShare) / 0.6) +
      0.2 * clamp01((0.85 - peakiness) / 0.3) +
      0.3 * clamp01((changeShare - 0.15) / 0.3);
    this.cues.lowShare = lowShare;
    this.cues.modulationShare = modulationShare;
    this.cues.steadyShare = steadyShare;
    return score;
  }

  private envelope(frameIndex: number): number {
    const k = frameIndex % WINDOW;
    return this.active[k] ? this.energy[k] : Math.max(this.energy[k], this.floor);
  }
}

/** Envelope DFT bins 2–4 of the 0.64 s window: 3.1, 4.7 and 6.3 Hz, around the syllable rate. */
const MODULATION_BINS = [2, 3, 4];
const MODULATION_COS = MODULATION_BINS.map((bin) =>
  Float64Array.from({ length: WINDOW }, (_, k) => Math.cos((2 * Math.PI * bin * k) / WINDOW)),
);
const MODULATION_SIN = MODULATION_BINS.map((bin) =>
  Float64Array.from({ length: WINDOW }, (_, k) => Math.sin((2 * Math.PI * bin * k) / WINDOW)),
);

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}
