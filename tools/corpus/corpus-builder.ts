import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  beep,
  concatPcm,
  createRandom,
  type DecodedWav,
  decodeWav,
  dtmfTone,
  encodeWav,
  HOLD_MUSIC_STYLES_BY_SPLIT,
  type HoldMusicStyle,
  lineNoise,
  type Random,
  silence,
  synthesizeHoldMusic,
  type TelephoneChannelOptions,
  telephoneChannel,
  VOCAL_HOLD_MUSIC_STYLES,
  varispeed,
} from '@callfleet/audio';
import {
  AGENT_FOLLOW_UPS,
  AGENT_HOLD_REQUESTS,
  AGENT_OPENINGS,
  AGENT_RETURNS,
  clipPath,
  type Phrase,
  phrasesOf,
  QUEUE_POSITION_NUMBERS,
  type Split,
  VOICES,
  type Voice,
} from './phrases';

const RATE = 8000;

/** Calls with a live person: the label is where the person's first word starts. */
export const HUMAN_SCENARIOS = [
  'ivr-hold-agent',
  'announcement-agent',
  'fading-music-agent',
  'bare-hello',
  'one-time-then-agent',
  'speech-ivr-agent',
  'agent-brief-hold',
] as const;
/** Calls that never reach a person: any live-human decision on them is a false alarm. */
export const NO_HUMAN_SCENARIOS = [
  'too-busy',
  'voicemail',
  'voicemail-trick',
  'long-hold-no-answer',
  'vocal-music-no-answer',
  'dead-air',
] as const;

export type Scenario = (typeof HUMAN_SCENARIOS)[number] | (typeof NO_HUMAN_SCENARIOS)[number];

export interface ManifestEntry {
  /** Relative to the manifest. */
  file: string;
  line: string;
  liveHumanAtMs: number | null;
  scenario: Scenario;
}

/** What is where in a call, for looking into a detector's mistakes (timelines.jsonl). */
export interface TimelineSegment {
  kind:
    | 'menu'
    | 'announcement'
    | 'one-time'
    | 'too-busy'
    | 'voicemail'
    | 'speech-ivr'
    | 'music'
    | 'dtmf'
    | 'beep'
    | 'silence'
    | 'agent';
  startMs: number;
  endMs: number;
  clip?: string;
}

export interface BuildCorpusOptions {
  clipsDir: string;
  outDir: string;
  splits: readonly Split[];
  /** Lines per split (default: train 32, holdout 20). */
  lines?: Partial<Record<Split, number>>;
  seed?: number;
  /** Scales hold and music lengths (default 1): a quick slice for tests, still every scenario's shape. */
  holdScale?: number;
}

export interface BuiltSplit {
  split: Split;
  manifest: string;
  entries: ManifestEntry[];
}

const DEFAULT_LINES: Record<Split, number> = { train: 32, holdout: 20 };

/** Per split: how the telephone network treats its calls. The holdout is noisier, lossier, and differently coloured. */
const CHANNELS: Record<Split, (random: Random) => Omit<TelephoneChannelOptions, 'seed'>> = {
  train: (random) => ({
    gainDb: random.between(-6, 3),
    gainWanderDb: random.between(0, 2),
    noiseDb: random.between(-70, -52),
    noiseColor: 'pink',
    lostFrameRate: random.chance(0.6) ? 0 : random.between(0.003, 0.03),
    lostFrameBurst: 1.5,
    codec: 'mulaw',
  }),
  holdout: (random) => ({
    gainDb: random.between(-12, 6),
    gainWanderDb: random.between(0, 4),
    noiseDb: random.between(-62, -44),
    noiseColor: random.pick(['white', 'brown'] as const),
    humHz: random.chance(0.3) ? random.pick([50, 60]) : undefined,
    lostFrameRate: random.chance(0.4) ? 0 : random.between(0.005, 0.05),
    lostFrameBurst: random.between(1, 3),
    codec: random.chance(0.3) ? 'alaw' : 'mulaw',
  }),
};

class ClipLibrary {
  private readonly cache = new Map<string, Int16Array>();
  constructor(private readonly dir: string) {}

  get(voice: Voice, phrase: Phrase): Int16Array {
    const path = clipPath(voice, phrase);
    let samples = this.cache.get(path);
    if (!samples) {
      let wav: DecodedWav;
      try {
        wav = decodeWav(readFileSync(join(this.dir, path)));
      } catch (error) {
        throw new Error(`corpus clip ${path}: ${(error as Error).message} (regenerate with npm run corpus:clips)`);
      }
      if (wav.sampleRate !== RATE || wav.channels !== 1) throw new Error(`corpus clip ${path} is not 8 kHz mono`);
      samples = wav.samples;
      this.cache.set(path, samples);
    }
    return samples;
  }
}

interface Line {
  id: string;
  split: Split;
  voice: Voice;
  phrases: Map<string, Phrase>;
  menu: Phrase;
  announcements: Phrase[];
  oneTime: Phrase;
  musicStyle: HoldMusicStyle;
  music: Int16Array;
  announcementEveryS: number;
  /** Quiet before and after each announcement on this line's queue (some cut the music dead, some pause). */
  announcementGapMs: number;
  digit: string;
  /** The agent voice that shares this line's voice family, if any. */
  familyAgent?: Voice;
  /** Who reads the announcements: on some lines not the menu's voice. */
  announcementVoice: Voice;
  /** Whether the queue also tells callers their position (a spliced announcement, partly new each call). */
  tellsPosition: boolean;
}

/** Fisher-Yates: a comparator that returns random signs would depend on the engine's sort. */
function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function family(voice: Voice): string {
  return voice.espeak.split('+')[0];
}

/**
 * The line's music-on-hold track, looped: on half the lines it fades out at its end and a second or
 * two of silence passes before it starts again, as a playlist of tracks does.
 */
function holdMusicTrack(random: Random, style: HoldMusicStyle, seed: number, holdScale: number): Int16Array {
  const fades = random.chance(0.5);
  const track = synthesizeHoldMusic({
    style,
    seconds: Math.max(8, random.between(40, 60) * holdScale),
    seed,
    levelDb: random.between(-24, -17),
    fadeOutSeconds: fades ? random.between(2, 4) : 0,
  });
  return fades ? concatPcm([track, silence(random.between(500, 2500))]) : track;
}

function makeLine(split: Split, index: number, random: Random, splitRandom: Random, holdScale: number): Line {
  const promptVoices = VOICES.filter((v) => v.split === split && v.role === 'prompts');
  const voice = promptVoices[index % promptVoices.length];
  const all = phrasesOf(voice);
  const byKind = (kind: Phrase['kind']) => all.filter((p) => p.kind === kind);
  const styles = HOLD_MUSIC_STYLES_BY_SPLIT[split];
  // Every fourth line plays music with vocals, so each split has its vocal no-human calls.
  const vocal = styles.filter((s) => VOCAL_HOLD_MUSIC_STYLES.includes(s));
  const plain = styles.filter((s) => !VOCAL_HOLD_MUSIC_STYLES.includes(s));
  const musicStyle = index % 4 === 3 ? random.pick(vocal) : plain[index % plain.length];
  const others = promptVoices.filter((v) => v !== voice);
  const announcementVoice = others.length && random.chance(0.3) ? random.pick(others) : voice;
  const announcements = shuffled(
    random,
    phrasesOf(announcementVoice).filter((p) => p.kind === 'announcement'),
  ).slice(0, random.chance(0.6) ? 1 : 2);
  const agents = VOICES.filter((v) => v.split === split && v.role === 'agents');
  return {
    id: `${split}-${String(index + 1).padStart(2, '0')}`,
    split,
    voice,
    phrases: new Map(all.map((p) => [p.id, p])),
    menu: random.pick(byKind('menu')),
    announcements,
    oneTime: random.pick(byKind('one-time')),
    musicStyle,
    music: holdMusicTrack(random, musicStyle, splitRandom.int(2 ** 31), holdScale),
    announcementEveryS: random.between(14, 35) * Math.max(0.3, holdScale),
    announcementGapMs: random.chance(0.5) ? 0 : random.between(150, 800),
    digit: random.pick(['1', '2', '3', '0']),
    familyAgent: agents.find((a) => family(a) === family(voice)),
    announcementVoice,
    tellsPosition: random.chance(0.35),
  };
}

/** Assembles one call's clean audio (before the telephone channel) on a growing float timeline. */
class CallTimeline {
  private chunks: Float32Array[] = [];
  private length = 0;
  readonly segments: TimelineSegment[] = [];
  /** Overlays to add once the length is known: [at, samples, gain]. */
  private overlays: Array<[number, Int16Array, number]> = [];

  get cursor(): number {
    return this.length;
  }

  get cursorMs(): number {
    return Math.round((this.length * 1000) / RATE);
  }

  append(pcm: Int16Array, gainDb: number, segment?: Omit<TimelineSegment, 'startMs' | 'endMs'>): void {
    const gain = 10 ** (gainDb / 20);
    const chunk = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) chunk[i] = pcm[i] * gain;
    const startMs = this.cursorMs;
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (segment) this.segments.push({ ...segment, startMs, endMs: this.cursorMs });
  }

  silence(ms: number): void {
    this.append(new Int16Array(Math.round((ms * RATE) / 1000)), 0, { kind: 'silence' });
  }

  overlay(at: number, pcm: Int16Array, gainDb: number): void {
    this.overlays.push([at, pcm, 10 ** (gainDb / 20)]);
  }

  render(): Int16Array {
    const end = Math.max(this.length, ...this.overlays.map(([at, pcm]) => at + pcm.length));
    const mix = new Float32Array(end);
    let offset = 0;
    for (const chunk of this.chunks) {
      mix.set(chunk, offset);
      offset += chunk.length;
    }
    for (const [at, pcm, gain] of this.overlays) for (let i = 0; i < pcm.length; i++) mix[at + i] += pcm[i] * gain;
    const out = new Int16Array(end);
    for (let i = 0; i < end; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i])));
    return out;
  }
}

interface CallContext {
  line: Line;
  random: Random;
  clips: ClipLibrary;
  timeline: CallTimeline;
  /** Where in the line's music loop this caller joined. */
  musicPosition: number;
  /** Seconds of music since the last announcement. */
  sinceAnnouncementS: number;
  /** The caller's place in the queue, for lines that announce it. */
  queuePosition: number;
  usedAgentTakes: Set<string>;
  holdScale: number;
}

function prompt(ctx: CallContext, phrase: Phrase, kind: TimelineSegment['kind'], voice = ctx.line.voice): void {
  ctx.timeline.append(ctx.clips.get(voice, phrase), 0, { kind, clip: `${voice.espeak}/${phrase.id}` });
}

const phraseIdsByVoice = new Map(VOICES.map((v) => [v, new Set(phrasesOf(v).map((p) => p.id))]));

/**
 * Who the live person sounds like: mostly an agent voice, sometimes the one of the line's own
 * family, another line's prompt voice, or exactly the line's prompt voice.
 */
function agentVoice(random: Random, line: Line, briefHold: boolean): Voice {
  const agents = VOICES.filter((v) => v.split === line.split && v.role === 'agents');
  if (briefHold) return random.pick(agents);
  const otherPrompts = VOICES.filter((v) => v.split === line.split && v.role === 'prompts' && v !== line.voice);
  const roll = random.next();
  if (roll < 0.08) return line.voice;
  if (roll < 0.28 && line.familyAgent) return line.familyAgent;
  if (roll < 0.43 && otherPrompts.length) return random.pick(otherPrompts);
  return random.pick(agents);
}

function musicSamples(ctx: CallContext, samples: number, fadeOutSamples = 0): Int16Array {
  const { music } = ctx.line;
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    let value = music[(ctx.musicPosition + i) % music.length];
    const left = samples - i;
    if (left < fadeOutSamples) value *= left / fadeOutSamples;
    out[i] = value;
  }
  ctx.musicPosition = (ctx.musicPosition + samples) % music.length;
  return out;
}

function music(ctx: CallContext, seconds: number): void {
  ctx.timeline.append(musicSamples(ctx, Math.round(seconds * RATE)), 0, { kind: 'music' });
  ctx.sinceAnnouncementS += seconds;
}

/** Music with the line's announcement(s) at its cadence, for `seconds`; ends in music or just after an announcement. */
function hold(ctx: CallContext, seconds: number, endOnAnnouncement = false): void {
  let left = seconds * ctx.holdScale;
  let next = 0;
  while (left > 0) {
    const untilAnnouncement = ctx.line.announcementEveryS - ctx.sinceAnnouncementS;
    if (untilAnnouncement > left && !endOnAnnouncement) {
      music(ctx, left);
      return;
    }
    const play = Math.max(0.5, untilAnnouncement);
    music(ctx, play);
    left -= play;
    const announcement = ctx.line.announcements[next++ % ctx.line.announcements.length];
    const before = ctx.timeline.cursor;
    if (ctx.line.announcementGapMs) ctx.timeline.silence(ctx.line.announcementGapMs);
    if (ctx.line.tellsPosition) queuePositionAnnouncement(ctx);
    prompt(ctx, announcement, 'announcement', ctx.line.announcementVoice);
    if (ctx.line.announcementGapMs && !endOnAnnouncement) ctx.timeline.silence(ctx.line.announcementGapMs);
    left -= (ctx.timeline.cursor - before) / RATE;
    ctx.sinceAnnouncementS = 0;
    if (endOnAnnouncement && left <= 0) return;
  }
}

/** "You are currently caller number <n> in the queue ...": the number moves up a place each time. */
function queuePositionAnnouncement(ctx: CallContext): void {
  const voice = ctx.line.announcementVoice;
  const phrases = new Map(phrasesOf(voice).map((p) => [p.id, p]));
  const n = Math.max(1, ctx.queuePosition--);
  const pieces = ['queue-position-lead-1', `queue-position-number-${n}`, 'queue-position-tail-1'];
  const startMs = ctx.timeline.cursorMs;
  for (const [i, id] of pieces.entries()) {
    if (i > 0) ctx.timeline.append(new Int16Array(ctx.random.int(400)), 0);
    ctx.timeline.append(ctx.clips.get(voice, phrases.get(id) as Phrase), 0);
  }
  ctx.timeline.segments.push({
    kind: 'announcement',
    startMs,
    endMs: ctx.timeline.cursorMs,
    clip: `${voice.espeak}/queue-position-${n}`,
  });
  ctx.timeline.silence(ctx.random.between(300, 900));
}

function ivrStart(ctx: CallContext): void {
  const { random, timeline } = ctx;
  timeline.silence(random.between(150, 900));
  prompt(ctx, ctx.line.menu, 'menu');
  timeline.silence(random.between(400, 1500));
  // Our own DTMF is heard faintly on some lines (echo, or the far end's IVR confirming it).
  if (random.chance(0.6)) timeline.append(dtmfTone(ctx.line.digit, 90), random.between(-18, -6), { kind: 'dtmf' });
  timeline.silence(random.between(300, 2000));
}

/** The live person: an opening, a pause for an answer, follow-ups. Returns the onset's sample. */
function agent(ctx: CallContext, options: { bare?: boolean; briefHold?: boolean } = {}): number {
  const { random, timeline, line } = ctx;
  const candidates = options.briefHold
    ? AGENT_HOLD_REQUESTS
    : options.bare
      ? AGENT_OPENINGS.filter((p) => ['Hello?', 'Yeah, hello?'].includes(p.text))
      : AGENT_OPENINGS;
  let voice: Voice;
  let opening: Phrase;
  // The same person never says the same thing the same way twice: no (voice, phrase) twice on a line.
  for (let attempt = 0; ; attempt++) {
    voice = agentVoice(random, line, options.briefHold ?? false);
    const spoken = phraseIdsByVoice.get(voice) as Set<string>;
    const openings = candidates.filter((p) => spoken.has(p.id));
    if (!openings.length) continue;
    opening = random.pick(openings);
    if (!ctx.usedAgentTakes.has(`${voice.espeak}/${opening.id}`) || attempt > 100) break;
  }
  ctx.usedAgentTakes.add(`${voice.espeak}/${opening.id}`);
  const speed = random.between(0.93, 1.07);
  const gainDb = random.between(-8, 3);
  const take = (phrase: Phrase) => varispeed(ctx.clips.get(voice, phrase), speed * random.between(0.98, 1.02));

  const pickup = timeline.cursor;
  const first = take(opening);
  const onset =
    pickup +
    Math.max(
      0,
      first.findIndex((s) => Math.abs(s * 10 ** (gainDb / 20)) > 300),
    );
  timeline.append(first, gainDb, { kind: 'agent', clip: `${voice.espeak}/${opening.id}` });
  if (options.briefHold) {
    // Back to the queue's music for a while, then the same person again.
    timeline.silence(random.between(200, 800));
    music(ctx, random.between(4, 15) * ctx.holdScale);
    timeline.silence(random.between(150, 600));
    const back = random.pick(AGENT_RETURNS);
    timeline.append(take(back), gainDb, { kind: 'agent', clip: `${voice.espeak}/${back.id}` });
  }
  const followUps = options.bare ? 2 : random.chance(0.7) ? 1 : 0;
  for (let i = 0; i < followUps; i++) {
    timeline.silence(random.between(1500, 4000));
    const spoken = phraseIdsByVoice.get(voice) as Set<string>;
    const phrase = random.pick(AGENT_FOLLOW_UPS.filter((p) => spoken.has(p.id)));
    timeline.append(take(phrase), gainDb, { kind: 'agent', clip: `${voice.espeak}/${phrase.id}` });
  }
  // The stream goes on while the person waits for an answer: at least 6 s after the first word.
  timeline.silence(Math.max(random.between(2500, 5000), 6000 - ((timeline.cursor - onset) * 1000) / RATE));
  // The agent's room: office murmur from the pickup on, on some calls.
  if (random.chance(0.5)) {
    const room = lineNoise({
      ms: ((timeline.cursor - pickup) * 1000) / RATE,
      seed: random.int(2 ** 31),
      levelDb: random.between(-58, -46),
    });
    timeline.overlay(pickup, room, 0);
  }
  return onset;
}

function runScenario(scenario: Scenario, ctx: CallContext): number | null {
  const { random, timeline, line } = ctx;
  const pickupGap = () => timeline.silence(random.between(150, 1200));
  switch (scenario) {
    case 'ivr-hold-agent':
      ivrStart(ctx);
      hold(ctx, random.between(15, 60));
      pickupGap();
      return agent(ctx);
    case 'announcement-agent':
      ivrStart(ctx);
      hold(ctx, random.between(10, 45), true);
      timeline.silence(random.between(200, 900));
      return agent(ctx);
    case 'fading-music-agent': {
      ivrStart(ctx);
      hold(ctx, random.between(12, 45));
      // The music is faded out under the agent's first words, as an ACD ramps the queue audio down.
      const fade = Math.round(random.between(1.5, 3) * RATE);
      const lead = Math.round(random.between(0.2, 1.2) * RATE);
      // Or not faded at all: it plays on under the first words and stops dead.
      const under = musicSamples(ctx, fade, random.chance(0.7) ? fade : 0);
      const at = timeline.cursor;
      timeline.append(under.subarray(0, lead), 0, { kind: 'music' });
      timeline.overlay(at + lead, under.subarray(lead), 0);
      return agent(ctx);
    }
    case 'bare-hello':
      if (random.chance(0.5)) music(ctx, random.between(3, 15));
      else timeline.silence(random.between(500, 3000));
      pickupGap();
      return agent(ctx, { bare: true });
    case 'one-time-then-agent':
      ivrStart(ctx);
      prompt(ctx, line.oneTime, 'one-time');
      timeline.silence(random.between(200, 800));
      hold(ctx, random.between(15, 50));
      pickupGap();
      return agent(ctx);
    case 'speech-ivr-agent': {
      timeline.silence(random.between(200, 800));
      prompt(ctx, line.phrases.get('speech-ivr-prompt-1') as Phrase, 'speech-ivr');
      // The recognizer waits for an answer like a person would, then asks again.
      timeline.silence(random.between(3000, 5000));
      prompt(ctx, line.phrases.get('speech-ivr-retry-1') as Phrase, 'speech-ivr');
      timeline.silence(random.between(800, 2000));
      hold(ctx, random.between(8, 35));
      pickupGap();
      return agent(ctx);
    }
    case 'too-busy':
      if (random.chance(0.5)) ivrStart(ctx);
      else timeline.silence(random.between(200, 900));
      prompt(ctx, line.phrases.get('too-busy-1') as Phrase, 'too-busy');
      timeline.silence(random.between(300, 1200));
      return null;
    case 'voicemail':
      timeline.silence(random.between(300, 1500));
      prompt(ctx, line.phrases.get('voicemail-1') as Phrase, 'voicemail');
      timeline.silence(random.between(200, 700));
      timeline.append(beep(random.pick([1000, 850, 1400, 440]), random.between(300, 900)), 0, { kind: 'beep' });
      timeline.silence(random.between(4000, 10000));
      return null;
    case 'agent-brief-hold':
      ivrStart(ctx);
      hold(ctx, random.between(10, 45));
      pickupGap();
      return agent(ctx, { briefHold: true });
    case 'voicemail-trick':
      timeline.silence(random.between(300, 1500));
      prompt(ctx, line.phrases.get('voicemail-hello-1') as Phrase, 'voicemail');
      // The greeting pauses for an answer, as the person it imitates would.
      timeline.silence(random.between(1500, 3000));
      prompt(ctx, line.phrases.get('voicemail-after-hello-1') as Phrase, 'voicemail');
      timeline.silence(random.between(200, 700));
      timeline.append(beep(random.pick([1000, 850, 1400, 440]), random.between(300, 900)), 0, { kind: 'beep' });
      timeline.silence(random.between(4000, 10000));
      return null;
    case 'long-hold-no-answer':
      ivrStart(ctx);
      hold(ctx, random.between(45, 100));
      return null;
    case 'vocal-music-no-answer':
      if (random.chance(0.5)) ivrStart(ctx);
      hold(ctx, random.between(35, 75));
      return null;
    case 'dead-air':
      ivrStart(ctx);
      timeline.silence(random.between(15000, 30000) * ctx.holdScale);
      return null;
  }
}

const SCENARIO_WEIGHTS: ReadonlyArray<[Scenario, number]> = [
  ['ivr-hold-agent', 19],
  ['announcement-agent', 10],
  ['fading-music-agent', 8],
  ['bare-hello', 8],
  ['one-time-then-agent', 10],
  ['speech-ivr-agent', 7],
  ['agent-brief-hold', 5],
  ['too-busy', 8],
  ['voicemail', 5],
  ['voicemail-trick', 3],
  ['long-hold-no-answer', 10],
  ['vocal-music-no-answer', 6],
  ['dead-air', 4],
];

function pickScenario(random: Random, line: Line): Scenario {
  const vocalLine = VOCAL_HOLD_MUSIC_STYLES.includes(line.musicStyle);
  const weights = SCENARIO_WEIGHTS.map(([s, w]): [Scenario, number] => [
    s,
    s === 'vocal-music-no-answer' && !vocalLine ? 0 : w,
  ]);
  let roll = random.next() * weights.reduce((n, [, w]) => n + w, 0);
  for (const [scenario, weight] of weights) {
    roll -= weight;
    if (roll < 0) return scenario;
  }
  return 'ivr-hold-agent';
}

function buildSplit(split: Split, options: BuildCorpusOptions, clips: ClipLibrary): BuiltSplit {
  const root = createRandom(options.seed ?? 8).fork(split);
  const dir = join(options.outDir, split);
  mkdirSync(dir, { recursive: true });
  const entries: ManifestEntry[] = [];
  const timelines: string[] = [];
  const lineCount = options.lines?.[split] ?? DEFAULT_LINES[split];
  for (let index = 0; index < lineCount; index++) {
    const random = root.fork(`line-${index}`);
    const line = makeLine(split, index, random.fork('line'), root.fork(`music-${index}`), options.holdScale ?? 1);
    const calls = 4 + random.int(5);
    const scenarios = Array.from({ length: calls }, () => pickScenario(random, line));
    // A vocal-music line must show its no-human case at least once.
    if (VOCAL_HOLD_MUSIC_STYLES.includes(line.musicStyle) && !scenarios.includes('vocal-music-no-answer')) {
      scenarios[random.int(calls)] = 'vocal-music-no-answer';
    }
    const usedAgentTakes = new Set<string>();
    mkdirSync(join(dir, line.id), { recursive: true });
    scenarios.forEach((scenario, call) => {
      const callRandom = random.fork(`call-${call}`);
      const ctx: CallContext = {
        line,
        random: callRandom,
        clips,
        timeline: new CallTimeline(),
        musicPosition: callRandom.int(line.music.length),
        sinceAnnouncementS: callRandom.between(0, line.announcementEveryS),
        queuePosition: 2 + callRandom.int(QUEUE_POSITION_NUMBERS.length - 1),
        usedAgentTakes,
        holdScale: options.holdScale ?? 1,
      };
      const onset = runScenario(scenario, ctx);
      const clean = ctx.timeline.render();
      const channel = CHANNELS[split](callRandom.fork('channel'));
      const audio = telephoneChannel(clean, { ...channel, seed: callRandom.int(2 ** 31) });
      const file = `${line.id}/${String(call + 1).padStart(2, '0')}.wav`;
      const encoding = callRandom.chance(0.6) ? 'mulaw' : 'pcm16';
      writeFileSync(join(dir, file), encodeWav({ sampleRate: RATE, encoding, samples: audio }));
      const liveHumanAtMs = onset === null ? null : Math.round((onset * 1000) / RATE);
      entries.push({ file, line: line.id, liveHumanAtMs, scenario });
      timelines.push(
        JSON.stringify({
          file,
          musicStyle: line.musicStyle,
          voice: line.voice.espeak,
          channel,
          segments: ctx.timeline.segments,
        }),
      );
    });
  }
  const manifest = join(dir, 'manifest.jsonl');
  writeFileSync(manifest, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeFileSync(join(dir, 'timelines.jsonl'), timelines.map((t) => `${t}\n`).join(''));
  return { split, manifest, entries };
}

/** Builds the corpus's splits from the checked-in clips; deterministic for a seed. */
export function buildCorpus(options: BuildCorpusOptions): BuiltSplit[] {
  const clips = new ClipLibrary(options.clipsDir);
  return options.splits.map((split) => buildSplit(split, options, clips));
}
