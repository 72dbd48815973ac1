import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beep, concatPcm, decodeWav, HOLD_MUSIC_STYLES, silence, synthesizeHoldMusic } from '@callfleet/audio';
import type { StreamClipName, StreamClips } from './far-end-audio';

/** One rendered phrase of the corpus (corpus/clips/clips.json, written by tools/corpus/generate-speech-clips.ts). */
interface CorpusClip {
  voice: string;
  id: string;
  kind: string;
  file: string;
}

/** Lines (dialed numbers) whose clip sets stay built; each set shares the loaded clips, only its music is its own. */
const KEPT_SETS = 256;
/**
 * One 10 s loop per music style, made on first use and shared by every line of that style: making one
 * takes about half a second of CPU, which must not stall every other call's stream more than once.
 */
const MUSIC_SEEDS = 1;
const HOLD_MUSIC_SECONDS = 10;

/**
 * The far end's stream sounds for each call. With the corpus (corpus/clips, espeak-ng voices) a line —
 * the dialed number — always has the same IVR voice, menu, announcement, music, too-busy message and
 * voicemail greeting, as a real line does on every call to it, while the live agent (voice and words)
 * changes from call to call. Without the corpus, every call gets the simulator's own fixtures.
 */
export class StreamClipLibrary {
  private readonly sets = new Map<string, StreamClips>();
  private readonly music = new Map<string, Int16Array>();

  private constructor(
    private readonly fixtures: StreamClips,
    private readonly corpus?: { clips: Map<string, Int16Array>; index: CorpusClip[] },
  ) {}

  static fixturesOnly(fixtures: StreamClips): StreamClipLibrary {
    return new StreamClipLibrary(fixtures);
  }

  /** Reads the corpus clips if `dir` (or the repository's corpus/clips) has them; fixtures otherwise. */
  static load(fixtures: StreamClips, dir?: string): StreamClipLibrary {
    const found = findCorpusDir(dir);
    if (!found) return new StreamClipLibrary(fixtures);
    const index = JSON.parse(readFileSync(join(found, 'clips.json'), 'utf8')) as CorpusClip[];
    const clips = new Map<string, Int16Array>();
    for (const clip of index) {
      const wav = decodeWav(readFileSync(join(found, clip.file)));
      if (wav.sampleRate !== 8000 || wav.channels !== 1) throw new Error(`corpus clip ${clip.file} is not 8 kHz mono`);
      clips.set(`${clip.voice}/${clip.id}`, wav.samples);
    }
    return new StreamClipLibrary(fixtures, { clips, index });
  }

  get source(): 'corpus' | 'fixtures' {
    return this.corpus ? 'corpus' : 'fixtures';
  }

  /** The clips of a call to `line`, the `attempt`-th call to it (0 first). */
  clipsFor(line: string, attempt: number): StreamClips {
    if (!this.corpus) return this.fixtures;
    const digits = line.replace(/\D/g, '') || line;
    const prompts = pick(this.voicesWith('menu'), digits, 'prompt-voice');
    const agent = pick(this.voicesWith('agent-opening'), digits, attempt, 'agent-voice');
    const choice = {
      menu: pick(this.idsOf(prompts, 'menu'), digits, 'menu'),
      announcement: pick(this.idsOf(prompts, 'announcement'), digits, 'announcement'),
      tooBusy: pick(this.idsOf(prompts, 'too-busy'), digits, 'too-busy'),
      voicemail: pick(this.idsOf(prompts, 'voicemail'), digits, 'voicemail'),
      opening: pick(this.idsOf(agent, 'agent-opening'), digits, attempt, 'opening'),
      followUp: pick(this.idsOf(agent, 'agent-follow-up'), digits, attempt, 'follow-up'),
      style: pick(HOLD_MUSIC_STYLES, digits, 'music'),
      musicSeed: hash(digits, 'music-seed') % MUSIC_SEEDS,
    };
    const key = JSON.stringify([prompts, agent, choice]);
    let set = this.sets.get(key);
    if (set) {
      // Most recently used last, so the oldest set is dropped first.
      this.sets.delete(key);
      this.sets.set(key, set);
      return set;
    }
    const clip = (voice: string, id: string | undefined, fallback: StreamClipName) =>
      (id && this.corpus?.clips.get(`${voice}/${id}`)) || this.fixtures[fallback];
    const holdMusic = () => this.holdMusic(choice.style, choice.musicSeed);
    set = {
      'ivr-menu': clip(prompts, choice.menu, 'ivr-menu'),
      // Made when a stream first plays hold, not for every call placed.
      get 'hold-music'() {
        return holdMusic();
      },
      'hold-announcement': clip(prompts, choice.announcement, 'hold-announcement'),
      'live-agent': clip(agent, choice.opening, 'live-agent'),
      'agent-hello': clip(agent, choice.followUp, 'agent-hello'),
      'too-busy': clip(prompts, choice.tooBusy, 'too-busy'),
      // A greeting, then the tone an answering machine plays before it records.
      'voicemail-greeting': choice.voicemail
        ? concatPcm([
            clip(prompts, choice.voicemail, 'voicemail-greeting'),
            silence(300),
            beep(1000, 500),
            silence(250),
          ])
        : this.fixtures['voicemail-greeting'],
    };
    this.sets.set(key, set);
    for (const [oldest] of this.sets) {
      if (this.sets.size <= KEPT_SETS) break;
      this.sets.delete(oldest);
    }
    return set;
  }

  private voicesWith(kind: string): string[] {
    return [...new Set((this.corpus?.index ?? []).filter((c) => c.kind === kind).map((c) => c.voice))].sort();
  }

  private idsOf(voice: string, kind: string): string[] {
    return (this.corpus?.index ?? []).filter((c) => c.voice === voice && c.kind === kind).map((c) => c.id);
  }

  private holdMusic(style: (typeof HOLD_MUSIC_STYLES)[number], seed: number): Int16Array {
    const key = `${style}|${seed}`;
    let music = this.music.get(key);
    if (!music) {
      music = synthesizeHoldMusic({ style, seconds: HOLD_MUSIC_SECONDS, seed: 1 + seed });
      this.music.set(key, music);
    }
    return music;
  }
}

function findCorpusDir(configured?: string): string | undefined {
  const candidates = [
    configured,
    join(process.cwd(), 'corpus', 'clips'),
    // From src/media (tests) or dist/apps/telephony-sim/src/media (a built service run from the repo).
    join(__dirname, '..', '..', '..', '..', 'corpus', 'clips'),
    join(__dirname, '..', '..', '..', '..', '..', '..', 'corpus', 'clips'),
  ].filter((c): c is string => !!c);
  return candidates.find((dir) => existsSync(join(dir, 'clips.json')));
}

function hash(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('|')).digest().readUInt32BE(0);
}

function pick<T>(items: readonly T[], ...parts: (string | number)[]): T {
  return items[hash(...parts) % items.length];
}
