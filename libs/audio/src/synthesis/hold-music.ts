import { createRandom, type Random } from './random';
import { Biquad, dbToGain, floatToPcm16, TELEPHONE_RATE } from './signal';

/**
 * Hold music synthesised from a seed: a chord progression, bass, a melody or arpeggio and, for the
 * "vocal" styles, a sung voice (a harmonic source with vibrato through gliding vowel formants, with
 * syllables and consonant noise) that sounds speech-like to simple features on purpose. The train
 * and holdout splits of the corpus use different styles (see HOLD_MUSIC_STYLES_BY_SPLIT).
 */
export type HoldMusicStyle =
  | 'chords-melody'
  | 'plucked-arpeggio'
  | 'pad-ambient'
  | 'vocal-pop'
  | 'piano-ballad'
  | 'organ-waltz'
  | 'strings-ensemble'
  | 'vocal-choir';

export const HOLD_MUSIC_STYLES: readonly HoldMusicStyle[] = [
  'chords-melody',
  'plucked-arpeggio',
  'pad-ambient',
  'vocal-pop',
  'piano-ballad',
  'organ-waltz',
  'strings-ensemble',
  'vocal-choir',
];

export const HOLD_MUSIC_STYLES_BY_SPLIT: Readonly<Record<'train' | 'holdout', readonly HoldMusicStyle[]>> = {
  train: ['chords-melody', 'plucked-arpeggio', 'pad-ambient', 'vocal-pop'],
  holdout: ['piano-ballad', 'organ-waltz', 'strings-ensemble', 'vocal-choir'],
};

export const VOCAL_HOLD_MUSIC_STYLES: readonly HoldMusicStyle[] = ['vocal-pop', 'vocal-choir'];

export interface HoldMusicOptions {
  style: HoldMusicStyle;
  seconds: number;
  seed: number;
  /** RMS level, dBFS (default -20). */
  levelDb?: number;
  /** Fades the last this many seconds out to silence (a track that ends, or music fading under an agent). */
  fadeOutSeconds?: number;
  sampleRate?: number;
}

// ---------------------------------------------------------------------------------------------
// Instruments: a note is a wavetable oscillator crossfading from a bright to a dark spectrum.

const TABLE_SIZE = 2048;
const NYQUIST_MARGIN = 0.95;

interface Instrument {
  bright: (k: number) => number;
  dark: (k: number) => number;
  /** Seconds for the bright spectrum to give way to the dark one (Infinity: a fixed mix). */
  brightness: number;
  /** Fixed bright share when brightness is Infinity. */
  brightMix?: number;
  attack: number;
  /** Amplitude decay time constant in seconds (Infinity: sustained). */
  decay: number;
  release: number;
  vibrato?: { hz: number; cents: number; delay: number };
  tremolo?: { hz: number; depth: number };
  /** Detuned copies (cents) for an ensemble sound. */
  unison?: readonly number[];
}

const INSTRUMENTS = {
  piano: {
    bright: (k: number) => 1 / k ** 0.9,
    dark: (k: number) => 1 / k ** 2.6,
    brightness: 0.25,
    attack: 0.004,
    decay: 1.4,
    release: 0.2,
  },
  epiano: {
    bright: (k: number) => (k === 1 ? 1 : k === 2 ? 0.3 : k === 3 ? 0.15 : k === 7 ? 0.2 : 0.02 / k),
    dark: (k: number) => (k === 1 ? 1 : 0.05 / k),
    brightness: 0.15,
    attack: 0.003,
    decay: 1.1,
    release: 0.15,
  },
  pluck: {
    bright: (k: number) => Math.abs(Math.sin(Math.PI * k * 0.17)) / k,
    dark: (k: number) => 1 / k ** 3,
    brightness: 0.07,
    attack: 0.002,
    decay: 0.45,
    release: 0.08,
  },
  pad: {
    bright: (k: number) => 1 / k,
    dark: (k: number) => 1 / k ** 2.2,
    brightness: Number.POSITIVE_INFINITY,
    brightMix: 0.25,
    attack: 0.7,
    decay: Number.POSITIVE_INFINITY,
    release: 1.2,
    tremolo: { hz: 0.35, depth: 0.2 },
    unison: [-9, 0, 7],
  },
  organ: {
    bright: (k: number) => ({ 1: 1, 2: 0.8, 3: 0.6, 4: 0.5, 6: 0.35, 8: 0.3 })[k] ?? 0,
    dark: (k: number) => ({ 1: 1, 2: 0.6, 3: 0.3, 4: 0.2 })[k] ?? 0,
    brightness: Number.POSITIVE_INFINITY,
    brightMix: 0.6,
    attack: 0.015,
    decay: Number.POSITIVE_INFINITY,
    release: 0.06,
    tremolo: { hz: 6.2, depth: 0.18 },
  },
  strings: {
    bright: (k: number) => 1 / k ** 1.1,
    dark: (k: number) => 1 / k ** 2,
    brightness: Number.POSITIVE_INFINITY,
    brightMix: 0.5,
    attack: 0.18,
    decay: Number.POSITIVE_INFINITY,
    release: 0.35,
    vibrato: { hz: 5.6, cents: 14, delay: 0.2 },
    unison: [-6, 5],
  },
  bass: {
    bright: (k: number) => 1 / k ** 1.4,
    dark: (k: number) => 1 / k ** 3,
    brightness: 0.2,
    attack: 0.006,
    decay: 0.9,
    release: 0.1,
  },
} satisfies Record<string, Instrument>;

type InstrumentName = keyof typeof INSTRUMENTS;

const tableCache = new Map<string, Float32Array>();

function wavetable(name: string, spectrum: (k: number) => number, harmonics: number): Float32Array {
  const key = `${name}:${harmonics}`;
  let table = tableCache.get(key);
  if (table) return table;
  table = new Float32Array(TABLE_SIZE + 1);
  let peak = 0;
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let value = 0;
    for (let k = 1; k <= harmonics; k++) value += spectrum(k) * Math.sin((2 * Math.PI * k * i) / TABLE_SIZE);
    table[i] = value;
    peak = Math.max(peak, Math.abs(value));
  }
  for (let i = 0; i <= TABLE_SIZE; i++) table[i] /= peak || 1;
  tableCache.set(key, table);
  return table;
}

function midiHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

interface Render {
  out: Float32Array;
  rate: number;
  random: Random;
}

function playNote(render: Render, name: InstrumentName, startS: number, durationS: number, midi: number, gain: number) {
  const instrument: Instrument = INSTRUMENTS[name];
  const { out, rate } = render;
  const baseHz = midiHz(midi);
  const harmonics = Math.max(1, Math.floor(((rate / 2) * NYQUIST_MARGIN) / (baseHz * 1.02)));
  const bright = wavetable(`${name}:bright`, instrument.bright, harmonics);
  const dark = wavetable(`${name}:dark`, instrument.dark, harmonics);
  const start = Math.floor(startS * rate);
  const held = Math.floor(durationS * rate);
  const release = Math.floor(instrument.release * rate);
  // A decaying note is inaudible after seven time constants (-60 dB): stop computing it there.
  const audible = Number.isFinite(instrument.decay)
    ? Math.floor(7 * instrument.decay * rate)
    : Number.POSITIVE_INFINITY;
  const end = Math.min(out.length, start + held + release, start + audible);
  const attack = Math.max(1, Math.floor(instrument.attack * rate));
  const unison = instrument.unison ?? [0];
  const voiceGain = gain / Math.sqrt(unison.length);
  const decayStep = Number.isFinite(instrument.decay) ? Math.exp(-1 / (instrument.decay * rate)) : 1;
  const brightStep = Number.isFinite(instrument.brightness) ? Math.exp(-1 / (instrument.brightness * rate)) : 1;
  const block = 32;
  for (const cents of unison) {
    const baseStep = (baseHz * 2 ** (cents / 1200) * TABLE_SIZE) / rate;
    let phase = render.random.next() * TABLE_SIZE;
    let decay = 1;
    let mix = Number.isFinite(instrument.brightness) ? 1 : (instrument.brightMix ?? 0.5);
    // Tremolo and vibrato change slowly: they are updated once a block, not every sample.
    let slowGain = 1;
    let step = baseStep;
    for (let i = start; i < end; i++) {
      const n = i - start;
      if (n % block === 0) {
        const t = n / rate;
        slowGain = instrument.tremolo
          ? 1 - instrument.tremolo.depth * (0.5 + 0.5 * Math.sin(2 * Math.PI * instrument.tremolo.hz * t))
          : 1;
        step =
          instrument.vibrato && t > instrument.vibrato.delay
            ? baseStep * 2 ** ((instrument.vibrato.cents / 1200) * Math.sin(2 * Math.PI * instrument.vibrato.hz * t))
            : baseStep;
      }
      let envelope = decay * slowGain;
      if (n < attack) envelope *= n / attack;
      if (n >= held) envelope *= 1 - (n - held) / Math.max(1, release);
      const index = phase | 0;
      const frac = phase - index;
      const b = bright[index] + (bright[index + 1] - bright[index]) * frac;
      const d = dark[index] + (dark[index + 1] - dark[index]) * frac;
      out[i] += voiceGain * envelope * (mix * b + (1 - mix) * d);
      phase += step;
      if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
      decay *= decayStep;
      if (brightStep !== 1) mix *= brightStep;
    }
  }
}

/** A struck bar: inharmonic partials, each decaying at its own rate. */
function playBell(render: Render, startS: number, midi: number, gain: number) {
  const { out, rate } = render;
  const hz = midiHz(midi);
  const partials = [
    [1, 1, 1.6],
    [2.76, 0.45, 0.7],
    [5.4, 0.25, 0.35],
    [8.93, 0.12, 0.18],
  ] as const;
  const start = Math.floor(startS * rate);
  const end = Math.min(out.length, start + Math.floor(2.5 * rate));
  for (const [ratio, amplitude, decay] of partials) {
    if (hz * ratio > (rate / 2) * NYQUIST_MARGIN) continue;
    const w = (2 * Math.PI * hz * ratio) / rate;
    for (let i = start; i < end; i++) {
      const t = (i - start) / rate;
      out[i] += gain * amplitude * Math.exp(-t / decay) * Math.sin(w * (i - start)) * Math.min(1, (i - start) / 20);
    }
  }
}

function playDrum(render: Render, kind: 'kick' | 'snare' | 'hat', startS: number, gain: number) {
  const { out, rate, random } = render;
  const start = Math.floor(startS * rate);
  const length = Math.floor((kind === 'kick' ? 0.18 : kind === 'snare' ? 0.14 : 0.04) * rate);
  const end = Math.min(out.length, start + length);
  const highPass = Biquad.highPass(rate, kind === 'hat' ? 2500 : 900);
  let phase = 0;
  for (let i = start; i < end; i++) {
    const t = (i - start) / rate;
    if (kind === 'kick') {
      phase += (2 * Math.PI * (55 + 90 * Math.exp(-t / 0.03))) / rate;
      out[i] += gain * Math.exp(-t / 0.06) * Math.sin(phase);
    } else {
      const noise = highPass.process(random.next() * 2 - 1);
      const tone = kind === 'snare' ? 0.5 * Math.sin(2 * Math.PI * 190 * t) * Math.exp(-t / 0.03) : 0;
      out[i] += gain * (Math.exp(-t / (kind === 'hat' ? 0.012 : 0.045)) * noise + tone);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The sung voice.

type Vowel = 'a' | 'e' | 'i' | 'o' | 'u';

const VOWEL_FORMANTS: Record<Vowel, readonly [number, number, number]> = {
  a: [780, 1250, 2550],
  e: [500, 1850, 2550],
  i: [300, 2250, 3000],
  o: [520, 880, 2450],
  u: [340, 820, 2350],
};
const FORMANT_BANDWIDTHS = [90, 110, 160];
const FORMANT_GAINS = [1, 0.6, 0.3];

export interface SungNote {
  startS: number;
  durationS: number;
  midi: number;
  vowels: readonly Vowel[];
  /** A consonant before the vowel: a burst of band noise. */
  consonant: boolean;
}

function formantGain(hz: number, formants: readonly number[]): number {
  let gain = 0;
  for (let f = 0; f < 3; f++) {
    const offset = (hz - formants[f]) / (FORMANT_BANDWIDTHS[f] / 2);
    gain += FORMANT_GAINS[f] / (1 + offset * offset);
  }
  return gain;
}

/** Sings `notes` into the render: one voice, legato, with formant scale (1 = male, ~1.17 = female). */
function sing(render: Render, notes: readonly SungNote[], formantScale: number, gain: number) {
  const { out, rate, random } = render;
  const block = 20;
  const consonantFilter = Biquad.bandPass(rate, 2900, 1.2);
  for (const note of notes) {
    const start = Math.floor(note.startS * rate);
    const end = Math.min(out.length, start + Math.floor(note.durationS * rate));
    if (end <= start) continue;
    const hz = midiHz(note.midi);
    const harmonics = Math.max(1, Math.floor(((rate / 2) * NYQUIST_MARGIN) / (hz * 1.03)));
    const amplitudes = new Float64Array(harmonics + 1);
    const vibratoHz = 5 + random.next();
    let phase = 0;
    const voiceStart = note.consonant ? start + Math.floor(0.05 * rate) : start;
    for (let i = start; i < end; i++) {
      const t = (i - start) / rate;
      const length = (end - start) / rate;
      if (i < voiceStart) {
        // Consonant: shaped noise, ~50 ms.
        const burst = Math.sin((Math.PI * (i - start)) / (voiceStart - start));
        out[i] += gain * 0.25 * burst * consonantFilter.process(random.next() * 2 - 1);
        continue;
      }
      if ((i - voiceStart) % block === 0) {
        const position = Math.min(1, (i - voiceStart) / Math.max(1, end - voiceStart));
        const along = position * (note.vowels.length - 1);
        const from = VOWEL_FORMANTS[note.vowels[Math.floor(along)]];
        const to = VOWEL_FORMANTS[note.vowels[Math.min(note.vowels.length - 1, Math.floor(along) + 1)]];
        const blend = along - Math.floor(along);
        const formants = from.map((f, n) => (f + (to[n] - f) * blend) * formantScale);
        for (let k = 1; k <= harmonics; k++) amplitudes[k] = formantGain(k * hz, formants) / k;
      }
      const vibrato = t > 0.15 ? 2 ** ((25 / 1200) * Math.sin(2 * Math.PI * vibratoHz * t)) : 1;
      // Scoop into the note from a little below, as singers do.
      const scoop = 2 ** ((-60 / 1200) * Math.exp(-t / 0.04));
      phase += (2 * Math.PI * hz * vibrato * scoop) / rate;
      if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
      const attack = Math.min(1, (i - voiceStart) / (0.04 * rate));
      const releaseGain = Math.min(1, (length - t) / 0.07);
      // sin(kφ) by the Chebyshev recurrence: one sin and one cos a sample for all harmonics.
      const s1 = Math.sin(phase);
      const c2 = 2 * Math.cos(phase);
      let previous = 0;
      let current = s1;
      let sum = amplitudes[1] * s1;
      for (let k = 2; k <= harmonics; k++) {
        const next = c2 * current - previous;
        previous = current;
        current = next;
        sum += amplitudes[k] * next;
      }
      const breath = 0.02 * (random.next() * 2 - 1);
      out[i] += gain * attack * Math.max(0, releaseGain) * (sum * 0.35 + breath);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Composition.

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];
const PROGRESSIONS = [
  [0, 4, 5, 3],
  [0, 5, 3, 4],
  [0, 3, 4, 4],
  [5, 3, 0, 4],
  [0, 3, 0, 4],
  [0, 2, 3, 4],
];

interface Piece {
  root: number;
  scale: readonly number[];
  progression: readonly number[];
  bpm: number;
  beatsPerBar: number;
}

function degreeMidi(piece: Piece, degree: number, octave: number): number {
  const { scale } = piece;
  const wrapped = ((degree % 7) + 7) % 7;
  return piece.root + 12 * (octave + Math.floor(degree / 7)) + scale[wrapped];
}

function chordOf(piece: Piece, bar: number): number[] {
  const degree = piece.progression[bar % piece.progression.length];
  return [degree, degree + 2, degree + 4];
}

/** A melody over the chords: chord tones on strong beats, steps between, phrases with rests. */
function melody(piece: Piece, random: Random, bars: number, notesPerBeat: number[], restChance: number) {
  const notes: Array<{ beat: number; beats: number; degree: number }> = [];
  let degree = 7 + piece.progression[0];
  for (let bar = 0; bar < bars; bar++) {
    const chord = chordOf(piece, bar);
    let beat = 0;
    while (beat < piece.beatsPerBar) {
      const beats = 1 / random.pick(notesPerBeat);
      if (random.chance(restChance)) {
        beat += beats;
        continue;
      }
      const strong = Math.abs(beat - Math.round(beat)) < 1e-6;
      if (strong) {
        const targets = chord.flatMap((d) => [d + 7, d + 14]);
        degree = targets.reduce((best, d) => (Math.abs(d - degree) < Math.abs(best - degree) ? d : best), targets[0]);
      } else degree += random.pick([-1, 1, 1, -1, 2, -2]);
      degree = Math.max(5, Math.min(16, degree));
      notes.push({ beat: bar * piece.beatsPerBar + beat, beats, degree });
      beat += beats;
    }
  }
  return notes;
}

function composePiece(random: Random, bpmRange: [number, number], beatsPerBar: number, minorChance: number): Piece {
  return {
    root: 55 + random.int(8),
    scale: random.chance(minorChance) ? MINOR : MAJOR,
    progression: random.pick(PROGRESSIONS),
    bpm: random.between(bpmRange[0], bpmRange[1]),
    beatsPerBar,
  };
}

function barsFor(piece: Piece, seconds: number): number {
  return Math.ceil(seconds / ((piece.beatsPerBar * 60) / piece.bpm)) + 1;
}

const VOWEL_SEQUENCES: ReadonlyArray<readonly Vowel[]> = [
  ['a'],
  ['o'],
  ['e', 'i'],
  ['a', 'i'],
  ['o', 'u'],
  ['i'],
  ['u'],
  ['a', 'e'],
];

function vocalLine(
  piece: Piece,
  random: Random,
  bars: number,
  beat: number,
  phraseBars: number,
  octave: number,
): SungNote[] {
  const notes: SungNote[] = [];
  const sung = melody(piece, random, bars, [1, 2, 2], 0.08);
  for (const note of sung) {
    const bar = Math.floor(note.beat / piece.beatsPerBar);
    // Phrases of singing, then a bar or two of instruments alone.
    if (bar % (phraseBars + 2) >= phraseBars) continue;
    notes.push({
      startS: note.beat * beat,
      durationS: note.beats * beat * 0.95,
      midi: degreeMidi(piece, note.degree - 7, octave),
      vowels: random.pick(VOWEL_SEQUENCES),
      consonant: random.chance(0.6),
    });
  }
  return notes;
}

function renderStyle(style: HoldMusicStyle, render: Render, seconds: number): void {
  const random = render.random;
  switch (style) {
    case 'chords-melody': {
      const piece = composePiece(random, [88, 112], 4, 0.2);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar++) {
        const t = bar * 4 * beat;
        for (const d of chordOf(piece, bar)) playNote(render, 'pad', t, 4 * beat, degreeMidi(piece, d, 0), 0.12);
        playNote(render, 'bass', t, 2 * beat, degreeMidi(piece, chordOf(piece, bar)[0], -1), 0.3);
        playNote(render, 'bass', t + 2 * beat, 2 * beat, degreeMidi(piece, chordOf(piece, bar)[0], -1), 0.25);
      }
      for (const n of melody(piece, random, bars, [1, 2, 2], 0.12)) {
        playNote(render, 'epiano', n.beat * beat, n.beats * beat, degreeMidi(piece, n.degree, 0), 0.3);
      }
      return;
    }
    case 'plucked-arpeggio': {
      const piece = composePiece(random, [100, 126], 4, 0.4);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      const shape = random.pick([
        [0, 1, 2, 3, 4, 3, 2, 1],
        [0, 2, 1, 3, 2, 4, 3, 1],
        [0, 1, 2, 1, 3, 2, 4, 2],
      ]);
      for (let bar = 0; bar < bars; bar++) {
        const chord = chordOf(piece, bar);
        const tones = [chord[0], chord[1], chord[2], chord[0] + 7, chord[1] + 7];
        for (let step = 0; step < 8; step++) {
          const t = (bar * 4 + step / 2) * beat;
          playNote(render, 'pluck', t, beat / 2, degreeMidi(piece, tones[shape[step]], 0), 0.3);
          playDrum(render, 'hat', t, step % 2 ? 0.04 : 0.07);
        }
        playNote(render, 'bass', bar * 4 * beat, 4 * beat, degreeMidi(piece, chord[0], -1), 0.3);
      }
      return;
    }
    case 'pad-ambient': {
      const piece = composePiece(random, [56, 70], 4, 0.5);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar += 2) {
        const chord = chordOf(piece, bar / 2);
        const t = bar * 4 * beat;
        for (const d of [...chord, chord[0] + 8]) playNote(render, 'pad', t, 8 * beat, degreeMidi(piece, d, 0), 0.13);
        playNote(render, 'pad', t, 8 * beat, degreeMidi(piece, chord[0], -1), 0.12);
        for (let k = 0; k < 3; k++) {
          if (random.chance(0.7)) {
            playBell(render, t + random.int(16) * (beat / 2), degreeMidi(piece, random.pick(chord) + 14, 0), 0.12);
          }
        }
      }
      return;
    }
    case 'vocal-pop': {
      const piece = composePiece(random, [92, 116], 4, 0.3);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar++) {
        const chord = chordOf(piece, bar);
        const t = bar * 4 * beat;
        for (const stab of [1, 3]) {
          for (const d of chord) playNote(render, 'pluck', t + stab * beat, beat * 0.8, degreeMidi(piece, d, 0), 0.14);
        }
        playNote(render, 'bass', t, 1.5 * beat, degreeMidi(piece, chord[0], -1), 0.3);
        playNote(render, 'bass', t + 2.5 * beat, 1.5 * beat, degreeMidi(piece, chord[0], -1), 0.25);
        for (let b = 0; b < 4; b++) {
          playDrum(render, b % 2 ? 'snare' : 'kick', t + b * beat, b % 2 ? 0.18 : 0.35);
          playDrum(render, 'hat', t + (b + 0.5) * beat, 0.05);
        }
      }
      const female = random.chance(0.5);
      sing(render, vocalLine(piece, random, bars, beat, 2, female ? 0 : -1), female ? 1.17 : 1, 0.8);
      return;
    }
    case 'piano-ballad': {
      const piece = composePiece(random, [64, 80], 4, 0.4);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar++) {
        const chord = chordOf(piece, bar);
        const broken = [chord[0] - 7, chord[2] - 7, chord[0], chord[1], chord[2], chord[1], chord[0], chord[2] - 7];
        for (let step = 0; step < 8; step++) {
          playNote(render, 'piano', (bar * 4 + step / 2) * beat, beat, degreeMidi(piece, broken[step], 0), 0.16);
        }
      }
      for (const n of melody(piece, random, bars, [1, 1, 2], 0.15)) {
        playNote(render, 'piano', n.beat * beat, n.beats * beat, degreeMidi(piece, n.degree, 0), 0.32);
      }
      return;
    }
    case 'organ-waltz': {
      const piece = composePiece(random, [132, 160], 3, 0.3);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar++) {
        const chord = chordOf(piece, bar);
        const t = bar * 3 * beat;
        playNote(render, 'organ', t, beat * 0.9, degreeMidi(piece, chord[0], -1), 0.25);
        for (const b of [1, 2]) {
          for (const d of chord) playNote(render, 'organ', t + b * beat, beat * 0.6, degreeMidi(piece, d, 0), 0.09);
        }
      }
      for (const n of melody(piece, random, bars, [1, 1, 2], 0.1)) {
        playNote(render, 'organ', n.beat * beat, n.beats * beat * 0.9, degreeMidi(piece, n.degree, 0), 0.2);
      }
      return;
    }
    case 'strings-ensemble': {
      const piece = composePiece(random, [84, 100], 4, 0.5);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar++) {
        const chord = chordOf(piece, bar);
        const t = bar * 4 * beat;
        for (const d of chord) playNote(render, 'strings', t, 4 * beat, degreeMidi(piece, d, 0), 0.09);
        playNote(render, 'strings', t, 4 * beat, degreeMidi(piece, chord[0], -1), 0.12);
        // Every other bar a run of sixteenths up the scale.
        if (bar % 2 === 1) {
          for (let s = 0; s < 8; s++) {
            playNote(render, 'strings', t + (2 + s / 4) * beat, beat / 4, degreeMidi(piece, chord[0] + 7 + s, 0), 0.12);
          }
        }
      }
      for (const n of melody(piece, random, bars, [1, 1, 2], 0.2)) {
        playNote(render, 'strings', n.beat * beat, n.beats * beat, degreeMidi(piece, n.degree, 0), 0.16);
      }
      return;
    }
    case 'vocal-choir': {
      const piece = composePiece(random, [68, 84], 4, 0.5);
      const beat = 60 / piece.bpm;
      const bars = barsFor(piece, seconds);
      for (let bar = 0; bar < bars; bar++) {
        const chord = chordOf(piece, bar);
        for (const d of chord) playNote(render, 'strings', bar * 4 * beat, 4 * beat, degreeMidi(piece, d, -1), 0.08);
        playNote(render, 'piano', bar * 4 * beat, 2 * beat, degreeMidi(piece, chord[0], -1), 0.2);
      }
      const lead = vocalLine(piece, random, bars, beat, 3, 0);
      sing(render, lead, 1.17, 0.75);
      // A lower voice a third under the lead, on the same syllables.
      const harmony = lead.map((note) => ({ ...note, midi: note.midi - random.pick([3, 4]), consonant: false }));
      sing(render, harmony, 1, 0.45);
      return;
    }
  }
}

export function synthesizeHoldMusic(options: HoldMusicOptions): Int16Array {
  const { style, seconds, seed, levelDb = -20, fadeOutSeconds = 0, sampleRate = TELEPHONE_RATE } = options;
  if (!HOLD_MUSIC_STYLES.includes(style)) throw new RangeError(`unknown hold music style: ${style}`);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  renderStyle(style, { out, rate: sampleRate, random: createRandom(seed) }, seconds);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
  const scale = dbToGain(levelDb) / (Math.sqrt(sum / Math.max(1, out.length)) || 1);
  const fade = Math.round(fadeOutSeconds * sampleRate);
  for (let i = 0; i < out.length; i++) {
    // tanh keeps the odd loud peak from wrapping, like a limiter on the music-on-hold feed.
    let value = Math.tanh(out[i] * scale * 1.2) / 1.2;
    const left = out.length - i;
    if (left < fade) value *= 0.5 - 0.5 * Math.cos((Math.PI * left) / fade);
    out[i] = value;
  }
  return floatToPcm16(out);
}
