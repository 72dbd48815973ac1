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
  /** This utterance's voice against the line's recorded voice (reported as evidence; it decides nothing). */
  voice: 'same' | 'different' | 'unknown';
  /** Mean speech-vs-music score of the utterance, 0..1 (singing over music scores low). */
  speechLike: number;
  /** A beep followed speech: a voicemail greeting has ended. */
  voicemail: boolean;
  /** This utterance follows another novel one after a quiet pause of 1.5–6 s (a person waited, then spoke again). */
  spokeAgain: boolean;
  /** Like spokeAgain, and the earlier utterance was a short greeting (≤ 1.5 s), even at call start. */
  answersGreeting: boolean;
  /** This call replayed audio from the line memory: the line's recordings have been heard before. */
  lineKnown: boolean;
  /** The utterance began after the call had settled into hold (6 s of music heard in this call). */
  holdSettled: boolean;
  /**
   * The utterance began within the stretch of hold this line has already heard on other legs (all recordings),
   * and this call recognised a replay in its hold: a recording this far into the hold would have been heard.
   */
  inKnownHold: boolean;
  /** Some part of this utterance's passage (its sentences with short pauses) replayed a recording. */
  passageMatched: boolean;
  /**
   * ... and that replay had played to the end of the remembered recording, and this utterance (a new one after it)
   * replayed nothing: someone spoke right after the recording.
   */
  replayEnded: boolean;
  /** Probes in a row (100 ms apart, each the last 0.8–1 s of sound) that resembled nothing remembered. */
  unmatchedProbes: number;
}

export interface RuleDecision {
  confidence: number;
  evidence: string[];
}

/**
 * Quiet after novel speech that tells a turn. Recordings after hold go back to music or end within ~1.2 s
 * (announcement gaps, the silence before a disconnect); a person waits 1.5–4 s for an answer.
 */
export const TURN_PAUSE_MS = 1350;
/** A second novel utterance after a pause: the person is waiting again, a shorter pause is enough. */
export const PAUSE_AFTER_SPEAKING_AGAIN_MS = 700;
/** At call start: the second short utterance ("Hello?" again), then this much quiet. */
export const CALL_START_MAX_UTTERANCE_MS = 2000;
export const CALL_START_PAUSE_MS = 1000;
/** Speaking again: this much novel speech (a replay would have matched by then). */
export const SPOKE_AGAIN_NOVEL_MS = 1200;
/**
 * On a line whose recordings this call recognised (`lineKnown`), once settled in hold (`holdSettled`): novel speech
 * of KNOWN_LINE_NOVEL_MS, then KNOWN_LINE_PAUSE_MS of quiet, is a turn: meant to outlast a recording's gaps between
 * sentences. A first-heard recording followed by this much silence on a known line is a false alarm.
 */
export const KNOWN_LINE_NOVEL_MS = 1000;
export const KNOWN_LINE_PAUSE_MS = 700;
/**
 * In a known stretch of the line's hold (`inKnownHold`): novel speech for this long, while spoken, is a person
 * (counted from the utterance's start once its first probe, at 0.8 s of sound, found nothing).
 */
export const KNOWN_HOLD_NOVEL_MS = 800;
/**
 * ... and the last this many probes (100 ms apart) found nothing like them: over a noisy, lossy channel a known
 * recording took up to 1 s of probes to be recognised (train's voices through the holdout's channel); 1.2 s here.
 */
export const KNOWN_HOLD_UNMATCHED_PROBES = 12;
/** ... and it must be clearly speech (singing over a backing scores 0.5–0.6). */
const KNOWN_HOLD_SPEECH_LIKE = 0.7;
/** Less sound than this is a click, a breath or a DTMF digit (90 ms), not a turn. */
const MIN_TURN_MS = 300;
/** Speech this much like music (vocals over a backing) is not trusted to be a person. */
const MIN_SPEECH_LIKE = 0.5;

/**
 * The decision: a live person is speaking. Two cues carry it: the speech is novel (no replay of the call's or the
 * line's recorded audio), and it takes turns: it ends in a quiet pause (a person waits for an answer; recordings
 * run on, return to music, beep or end), or it comes again after such a pause. Speech that matches memory is
 * never a person. Pure: the same evidence always gives the same answer.
 */
export function decideLiveHuman(e: RuleEvidence): RuleDecision | null {
  if (e.voicemail || e.matched || e.speechLike < MIN_SPEECH_LIKE) return null;
  const context = e.afterHold ? 'after-hold' : 'after-recording';
  if (e.phase === 'in-speech') {
    // Speaking again, after a pause, without replaying anything: no recording needs to wait for an answer
    // past the IVR.
    if (e.spokeAgain && !e.callStart && e.novelMs >= SPOKE_AGAIN_NOVEL_MS)
      return { confidence: 0.85, evidence: ['novel-speech', 'spoke-again-after-pause', context] };
    // Where the line's hold is known (heard this far on other legs, and a recording of it recognised in this
    // call), speech that replays nothing is news: no need to wait for the turn to end.
    if (
      e.inKnownHold &&
      e.lineKnown &&
      e.holdSettled &&
      (!e.passageMatched || e.replayEnded) &&
      e.speechLike >= KNOWN_HOLD_SPEECH_LIKE &&
      e.novelMs >= KNOWN_HOLD_NOVEL_MS &&
      e.unmatchedProbes >= KNOWN_HOLD_UNMATCHED_PROBES
    )
      return { confidence: 0.7, evidence: ['novel-speech', 'novel-speech-in-known-hold', context] };
    return null;
  }
  if (!e.pauseIsQuiet || e.novelMs < MIN_TURN_MS) return null;
  if (e.callStart) {
    // Where the IVR speaks (and waits for digits or words) only a greeting, a pause, and a short "Hello?"
    // again is a person; an answering machine's "Hello?" goes on into its greeting.
    if (!e.answersGreeting || e.utteranceMs > CALL_START_MAX_UTTERANCE_MS || e.pauseMs < CALL_START_PAUSE_MS)
      return null;
    return {
      confidence: 0.8,
      evidence: ['novel-speech', 'short-greeting', 'spoke-again-after-pause', 'turn-taking-pause'],
    };
  }
  if (e.spokeAgain && e.pauseMs >= PAUSE_AFTER_SPEAKING_AGAIN_MS)
    return { confidence: 0.85, evidence: ['novel-speech', 'spoke-again-after-pause', 'turn-taking-pause', context] };
  // On a line whose recordings this call recognised, settled in hold: novel speech is rarely a first-heard
  // recording, so a shorter quiet tells the turn.
  if (e.lineKnown && e.holdSettled && e.novelMs >= KNOWN_LINE_NOVEL_MS && e.pauseMs >= KNOWN_LINE_PAUSE_MS)
    return { confidence: 0.75, evidence: ['novel-speech', 'novel-speech-on-known-line', 'turn-taking-pause', context] };
  if (e.pauseMs < TURN_PAUSE_MS) return null;
  return { confidence: 0.8, evidence: ['novel-speech', 'turn-taking-pause', context] };
}
