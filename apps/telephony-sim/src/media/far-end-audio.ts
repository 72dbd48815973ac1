import type { FarEndPhase } from '../calls/sim-call';
import type { ClipName } from '../recordings/audio-clips';

/**
 * The far end's sounds a media stream plays, 8 kHz mono PCM16 (see stream-clips.ts for where they come
 * from): the recordings' clips, less the silence a stream makes by itself.
 */
export type StreamClipName = Exclude<ClipName, 'silence'>;

export type StreamClips = Readonly<Record<StreamClipName, Int16Array>>;

export const STREAM_SAMPLE_RATE = 8000;
/** One frame of the stream clock: 20 ms. */
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (STREAM_SAMPLE_RATE * FRAME_MS) / 1000;

/** Timing of the far end's programmes, in audio seconds. */
export interface FarEndAudioTiming {
  /** Hold music between two plays of the hold announcement (it also opens the hold). */
  holdMusicSeconds: number;
  /** The agent waits this long for an answer to the first sentence before saying "Hello?". */
  agentTurnGapSeconds: number;
  /** Silence between the end of the queue's audio and the agent's first word. */
  pickupGapSeconds: number;
}

export const DEFAULT_TIMING: FarEndAudioTiming = {
  holdMusicSeconds: 20,
  agentTurnGapSeconds: 3,
  pickupGapSeconds: 0.5,
};

/** Samples below this are the clip's leading silence; the labeled onset is the first one above. */
const SPEECH_ONSET_LEVEL = 500;

/** A stretch of sound in a phase's programme: a clip, or silence (`seconds` of it; Infinity = until the phase ends). */
type Piece = { clip: StreamClipName } | { silenceSeconds: number } | { loop: Piece[] };

/**
 * What the far end plays in each phase. Recorded phases (menu, announcement, greeting) are the same
 * audio every time they start; the live agent speaks once, waits for an answer, tries again, and never
 * repeats itself word for word, as a person would not.
 */
function programme(phase: FarEndPhase, timing: FarEndAudioTiming): Piece[] {
  switch (phase) {
    case 'ivr-menu':
      return [{ clip: 'ivr-menu' }];
    case 'hold':
      // Hold music, and the same announcement ("please continue to hold") after every holdMusicSeconds of it.
      return [
        {
          loop: [
            { clip: 'hold-music' },
            { silenceSeconds: 0.4 },
            { clip: 'hold-announcement' },
            { silenceSeconds: 0.4 },
          ],
        },
      ];
    case 'welcome-announcement':
      return [{ clip: 'hold-announcement' }];
    case 'live-agent':
    case 'bridged':
      // The queue's audio stops, the agent picks up and speaks a moment later.
      return [
        { silenceSeconds: timing.pickupGapSeconds },
        { clip: 'live-agent' },
        { silenceSeconds: timing.agentTurnGapSeconds },
        { clip: 'agent-hello' },
      ];
    case 'announcement':
      return [{ clip: 'too-busy' }];
    case 'voicemail-greeting':
      // The fixture greeting ends with its beep.
      return [{ clip: 'voicemail-greeting' }];
    default:
      return [];
  }
}

/** Phases in which a person, not a recording, is on the line: their start is the labeled onset. */
const LIVE_PHASES: ReadonlySet<FarEndPhase> = new Set(['live-agent']);

/**
 * The far end's audio as one media stream hears it, frame by frame, on the stream's own clock: the
 * call's current phase picks the programme, and a phase that starts again (the IVR repeating its
 * menu) starts its programme again. Pure: the same phases at the same frames give the same audio.
 */
export class FarEndAudio {
  private phase?: FarEndPhase;
  private serial = -1;
  /** Samples into the current phase's programme. */
  private cursor = 0;
  private rendered: Int16Array = new Int16Array(0);
  /** The programme repeats until the phase ends (hold). */
  private loops = false;
  private framesOut = 0;
  private onsetMs: number | null = null;
  private readonly leadingSilence = new Map<StreamClipName, number>();

  constructor(
    private readonly clips: StreamClips,
    private readonly timing: FarEndAudioTiming = DEFAULT_TIMING,
  ) {}

  /** Audio ms of the stream's next frame. */
  get positionMs(): number {
    return this.framesOut * FRAME_MS;
  }

  /** Audio ms where a live person starts speaking in this stream, or null while none has. */
  get liveHumanAtMs(): number | null {
    return this.onsetMs;
  }

  /** The next 20 ms frame while the call is in `phase`; `serial` changes whenever a phase (re)starts. */
  frame(phase: FarEndPhase, serial: number): Int16Array {
    if (phase !== this.phase || serial !== this.serial) this.enter(phase, serial);
    const out = new Int16Array(FRAME_SAMPLES);
    const available = Math.max(0, Math.min(FRAME_SAMPLES, this.rendered.length - this.cursor));
    out.set(this.rendered.subarray(this.cursor, this.cursor + available));
    if (available < FRAME_SAMPLES && this.loops) {
      // A looping programme wraps around within the frame.
      for (let i = available; i < FRAME_SAMPLES; i++) {
        out[i] = this.rendered[(this.cursor + i) % this.rendered.length];
      }
    }
    this.cursor += FRAME_SAMPLES;
    if (this.loops && this.rendered.length > 0) this.cursor %= this.rendered.length;
    this.framesOut++;
    return out;
  }

  private enter(phase: FarEndPhase, serial: number): void {
    this.phase = phase;
    this.serial = serial;
    this.cursor = 0;
    const pieces = programme(phase, this.timing);
    this.loops = pieces.length === 1 && 'loop' in pieces[0];
    this.rendered = this.renderedOnce(phase, this.loops ? (pieces[0] as { loop: Piece[] }).loop : pieces);
    if (LIVE_PHASES.has(phase) && this.onsetMs === null) {
      // The first clip's own leading silence, after the programme's silent pieces before it.
      let lead = 0;
      for (const piece of pieces) {
        if ('silenceSeconds' in piece) lead += Math.round(piece.silenceSeconds * STREAM_SAMPLE_RATE);
        else {
          if ('clip' in piece) lead += this.leadingSilenceOf(piece.clip);
          break;
        }
      }
      this.onsetMs = this.positionMs + Math.round((lead * 1000) / STREAM_SAMPLE_RATE);
    }
  }

  /** Programmes are the same for every stream with these clips: rendered once, shared (a hold is ~0.5 MB). */
  private renderedOnce(phase: FarEndPhase, pieces: Piece[]): Int16Array {
    let cache = RENDERED.get(this.clips);
    if (!cache) {
      cache = new Map();
      RENDERED.set(this.clips, cache);
    }
    const key = `${phase}|${JSON.stringify(this.timing)}`;
    let rendered = cache.get(key);
    if (!rendered) {
      rendered = this.render(pieces);
      cache.set(key, rendered);
    }
    return rendered;
  }

  private render(pieces: Piece[]): Int16Array {
    const parts: Int16Array[] = [];
    for (const piece of pieces) {
      if ('clip' in piece) {
        const clip = this.clips[piece.clip];
        if (piece.clip === 'hold-music') parts.push(loopTo(clip, this.timing.holdMusicSeconds * STREAM_SAMPLE_RATE));
        else parts.push(clip);
      } else if ('silenceSeconds' in piece) {
        parts.push(new Int16Array(Math.round(piece.silenceSeconds * STREAM_SAMPLE_RATE)));
      }
    }
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  private leadingSilenceOf(name: StreamClipName | undefined): number {
    if (!name) return 0;
    let lead = this.leadingSilence.get(name);
    if (lead === undefined) {
      const clip = this.clips[name];
      lead = clip.findIndex((s) => Math.abs(s) >= SPEECH_ONSET_LEVEL);
      if (lead < 0) lead = 0;
      this.leadingSilence.set(name, lead);
    }
    return lead;
  }
}

const RENDERED = new WeakMap<StreamClips, Map<string, Int16Array>>();

/** `clip` repeated (and cut) to `samples`, so hold music fills its stretch between announcements. */
function loopTo(clip: Int16Array, samples: number): Int16Array {
  const out = new Int16Array(Math.max(clip.length > 0 ? 1 : 0, Math.round(samples)));
  if (clip.length === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = clip[i % clip.length];
  return out;
}
