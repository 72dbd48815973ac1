/** What the detector knows about the current utterance and its context, at one frame. */
export interface RuleEvidence {
  /** Still speaking, or the utterance ended and the line is in its pause. */
  phase: 'in-speech' | 'after-speech';
  /** Speech of this utterance that matched nothing heard before (ms). */
  novelMs: number;
  /** All speech of this utterance (ms). */
  utteranceMs: number;
  /** Part of this utterance replays audio heard earlier in the call or on the line. */
  matched: boolean;
  /** after-speech: how long the line has been quiet (ms); 0 in speech. */
  pauseMs: number;
  /** after-speech: nothing but silence since the utterance (no music, no tone). */
  pauseIsQuiet: boolean;
  /** The first utterance of the call with no hold before it: where the IVR speaks. */
  callStart: boolean;
  /** Hold music was heard before this utterance. */
  afterHold: boolean;
  /** This utterance's voice against the line's recorded voices. */
  voice: 'same' | 'different' | 'unknown';
  /** Mean speech-vs-music score of the utterance, 0..1 (singing over music scores low). */
  speechLike: number;
  /** A beep followed speech: a voicemail greeting has ended. */
  voicemail: boolean;
  /** This utterance follows another novel one after a quiet pause of 1.5–6 s (a person waited, then spoke again). */
  spokeAgain: boolean;
  /** This call replayed audio from the line memory: the line's recordings have been heard before. */
  lineKnown: boolean;
}

export interface RuleDecision {
  confidence: number;
  evidence: string[];
}

/** Novel speech in a new voice, this long, is a person (the recorded voice would have matched or sounded alike). */
export const EARLY_NOVEL_MS = 1000;
/** Pause after a person's sentence that tells a turn: shorter when the voice is already known to be new. */
export const PAUSE_NEW_VOICE_MS = 700;
export const PAUSE_UNKNOWN_VOICE_MS = 1200;
/** At call start only a short greeting ("Hello?") followed by a long pause is a person; IVR prompts run longer. */
export const CALL_START_MAX_UTTERANCE_MS = 1500;
export const CALL_START_PAUSE_MS = 1500;
export const UNKNOWN_VOICE_MAX_UTTERANCE_MS = 4000;
/** Speaking again after a pause: this much novel speech (a replay would have matched by then). */
export const SPOKE_AGAIN_NOVEL_MS = 1200;
/** Utterances shorter than this are clicks and breaths, not a turn. */
const MIN_TURN_MS = 300;
/** Speech this much like music (vocals over a backing) is not trusted to be a person. */
const MIN_SPEECH_LIKE = 0.5;

/**
 * The decision: a live person is speaking. Two cues carry it: the speech is novel (no replay of the call's or the
 * line's recorded audio) and either its voice is not the line's recorded voice (decided early, in the speech),
 * or it ends in a turn-taking pause (a person waits for an answer; recordings run on, return to music or beep).
 * Speech that matches memory is never a person. Pure: the same evidence always gives the same answer.
 */
export function decideLiveHuman(e: RuleEvidence): RuleDecision | null {
  if (e.voicemail || e.matched || e.speechLike < MIN_SPEECH_LIKE) return null;
  const context = e.afterHold ? 'after-hold' : 'after-recording';
  if (e.phase === 'in-speech') {
    if (e.spokeAgain && e.novelMs >= SPOKE_AGAIN_NOVEL_MS)
      return { confidence: 0.85, evidence: ['novel-speech', 'spoke-again-after-pause', context] };
    if (e.callStart || e.novelMs < EARLY_NOVEL_MS) return null;
    if (e.voice === 'different') return { confidence: 0.9, evidence: ['novel-speech', 'new-voice', context] };
    return null;
  }
  if (!e.pauseIsQuiet || e.novelMs < MIN_TURN_MS) return null;
  // "Hello?" after a sentence and a pause, then quiet again: a person, whatever the voice.
  if (e.spokeAgain && e.pauseMs >= PAUSE_NEW_VOICE_MS)
    return { confidence: 0.85, evidence: ['novel-speech', 'spoke-again-after-pause', 'turn-taking-pause', context] };
  // The line's recorded voice ending in a pause is how "call back later" ends too: wait for the person to
  // speak again.
  if (e.voice === 'same') return null;
  if (e.callStart) {
    if (e.utteranceMs > CALL_START_MAX_UTTERANCE_MS || e.pauseMs < CALL_START_PAUSE_MS) return null;
    return { confidence: 0.75, evidence: ['novel-speech', 'short-greeting', 'turn-taking-pause'] };
  }
  const pause = e.voice === 'different' ? PAUSE_NEW_VOICE_MS : PAUSE_UNKNOWN_VOICE_MS;
  // An unknown voice ending in a pause may be a one-time message before a disconnect: only a short turn counts.
  if (e.voice === 'unknown' && e.utteranceMs > UNKNOWN_VOICE_MAX_UTTERANCE_MS) return null;
  if (e.pauseMs < pause) return null;
  const evidence = ['novel-speech', 'turn-taking-pause', context];
  if (e.voice === 'different') evidence.splice(1, 0, 'new-voice');
  return { confidence: e.voice === 'different' ? 0.9 : 0.8, evidence };
}
