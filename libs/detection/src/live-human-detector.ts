import type { AudioClass } from '@callfleet/contracts';
import { AudioClassifier } from './audio-classifier';
import type { DetectorHint, DetectorOutput, LineMemory, LineMemoryMatch, SegmentFingerprint } from './detector.types';
import { FRAME_MS, FRAME_SAMPLES, FrameAnalyzer } from './frame-features';
import { InMemoryLineMemory } from './in-memory-line-memory';
import { decideLiveHuman, type RuleEvidence } from './live-human-rule';
import { BLOCK_FRAMES, FingerprintHasher, MAX_PROBE_BLOCKS, MIN_PROBE_BLOCKS, QUIET_WORD } from './segment-fingerprint';
import { type VoiceProfile, VoiceProfileBuilder, voiceDistance } from './voice-profile';

export interface LiveHumanDetectorOptions {
  /** Shared by every leg dialing the same line; omitted = this call learns alone. */
  lineMemory?: LineMemory;
}

/**
 * Lost audio this long (100 ms) or longer ends the utterance and its pause unheard: what was lost may have been
 * the recording running on, or music coming back, so neither the speech before it nor a pause across it is a
 * turn. Shorter losses (a frame or two) pass as the silence a lossy channel makes of them.
 */
const LOST_AUDIO_ENDS_TURN_FRAMES = 5;
/** Silence after which an utterance is over (speech resuming sooner continues it). */
const UTTERANCE_GAP_FRAMES = 100;
/** Hold music heard before an utterance that makes it "after hold". */
const HOLD_MIN_FRAMES = 100;
/**
 * Hold music heard in this call before the call counts as settled in hold (6 s): a too-busy message, a voicemail
 * greeting or a one-time notice comes at call start or as the hold begins, not after seconds of music.
 */
const HOLD_SETTLED_FRAMES = 300;
/** A match this recent means the audio is (still) the replay. */
const MATCH_FRESH_FRAMES = 50;
/** A beep within this long after speech ends a voicemail greeting. */
const BEEP_AFTER_SPEECH_FRAMES = 75;
/** Voice distance above which an utterance is another talker or recording chain. */
/**
 * Voice distance (voice-profile.ts) above which an utterance is surely another talker or chain, and at or below
 * which it is the line's recorded voice; in between, the voice tells nothing (one utterance's profile varies
 * with what is said: the same synthetic voice measured 0.2–2.8 against itself, its pitch track swinging).
 */
const NEW_VOICE_DISTANCE = Number.POSITIVE_INFINITY;
const SAME_VOICE_DISTANCE = 1;
/** A probe looks back up to 2 s for its 1 s of sound (pauses between words are skipped). */
const PROBE_WORDS = 2 * MAX_PROBE_BLOCKS * BLOCK_FRAMES;
const MIN_PROBE_WORDS = MIN_PROBE_BLOCKS * BLOCK_FRAMES;
const MAX_PASSAGE_WORDS = 1500;
const VOICE_CHECK_FRAMES = 15;
/** A soft pause: this far under the utterance's loudest frame, for 300 ms; left after 60 ms above it again. */
const SOFT_BELOW_SPEECH_DB = 25;
const SOFT_PAUSE_FRAMES = 15;
const SOFT_RESUME_FRAMES = 3;
const ONSET_LEAD_FRAMES = 25;
/**
 * Probes in a row that must match the same remembered audio, each 100 ms further on: a replay keeps step for
 * as long as it plays, a phrase two prompts share in the same synthetic voice ("... for calling") for a moment.
 */
const CONFIRM_STEPS = 2;
/** How far a followed replay may have drifted from where it should be (pauses vary by a frame or two). */
const FOLLOW_TOLERANCE_MS = 60;
const MIN_UTTERANCE_FRAMES = 25;
/**
 * A replay whose remembered recording has at most this much sound left has played to its end: the last probe that
 * matches ends ~0.8–1 s before the remembered passage does (its tail holds the first beats of the music after it,
 * heard as sound before the class changed), and a spliced announcement's novel part sits seconds before its end.
 */
const REPLAY_END_SOUND_MS = 1200;
const SHORT_UTTERANCE_MS = 1500;
/** How often the passage being heard is shared with the line's other legs (`LineMemory.hearing`): every 200 ms. */
const SHARE_HEARING_FRAMES = 10;
/** Less sound than this is a click, a breath or a DTMF digit: nobody's turn ("Hello?" has 250–400 ms). */
const MIN_TURN_MS = 300;
/** "Hello?", "Yeah, hello?", "Hello, this is Chris.": a greeting that waits for an answer. */
const SHORT_GREETING_MS = 1500;
/** Active frames a voice profile needs to be compared (0.8 s): shorter ones vary too much with the words. */
const VOICE_MIN_FRAMES = 40;
/** Novel speech, a quiet pause of 1.5–6 s, novel speech again: a person who waited for an answer. */
const SPOKE_AGAIN_MIN_PAUSE_FRAMES = 75;
const SPOKE_AGAIN_MAX_PAUSE_FRAMES = 300;

/**
 * Utterances with pauses under 2 s between them and no music or tone: what a recording is remembered as (a
 * menu's sentences together), so a short last sentence is still recognised by the sentence before it.
 */
interface Passage {
  /** The first frame of `words` (0.5 s before the first utterance: onsets after music are found late). */
  startFrame: number;
  /** The first utterance's start: probes do not reach before it. */
  speechStartFrame: number;
  /** One hash word per frame, quiet frames as QUIET_WORD (a replay pauses alike). */
  words: number[];
  speechFrames: number;
  scoreSum: number;
  scoreFrames: number;
  /** Some probe in it matched nothing: it holds audio the line does not know yet. */
  novel: boolean;
  /** Some probe in it replayed remembered audio (a recording's passage, whatever follows in it). */
  matched: boolean;
  /** Its last recognised replay had reached the end of the remembered recording: what follows is not that one. */
  replayEnded: boolean;
  utterances: Utterance[];
}

interface Utterance {
  startFrame: number;
  speechFrames: number;
  /** Frame since which nothing matched; null while the audio matches (or before the first check). */
  novelSince: number | null;
  lastMatchFrame: number | null;
  everMatched: boolean;
  repeatReported: boolean;
  /** Frame the last speech ended, null while speaking. */
  quietSince: number | null;
  pauseIsQuiet: boolean;
  voice: VoiceProfileBuilder;
  /** The whole utterance's voice (what the line's recorded voice is learned from). */
  fullVoice: VoiceProfileBuilder;
  /** It began after a quiet pause that followed another novel utterance: someone speaking again. */
  answersPause: boolean;
  /** It began after a quiet pause that followed a short novel utterance ("Hello?"), wherever in the call. */
  answersGreeting: boolean;
  /** Loudest active frame of the utterance (dBFS), to hear a soft pause. */
  peakLevel: number;
  levelFrames: number;
  softRun: number;
  loudRun: number;
  /** In a pause filled with soft sound (the agent's room) that the classifier still calls speech. */
  softPause: boolean;
  /** The voice against the line's recorded voices, refreshed every block. */
  voiceVerdict: RuleEvidence['voice'];
  voiceDistance: number;
  scoreSum: number;
  scoreFrames: number;
  afterHold: boolean;
  callStart: boolean;
  /** It began once the call had settled into hold (HOLD_SETTLED_FRAMES of music). */
  holdSettled: boolean;
  /** Audio ms from the call's first hold music to its start; null before any music. */
  holdPositionMs: number | null;
  /** Probes in a row (100 ms apart) that found nothing like them in any memory, nor a candidate. */
  unmatchedProbes: number;
}

/**
 * The live-human detector: fed 20 ms frames of PCM16 at 8 kHz (160 samples), it says what the audio is
 * and decides, at most once, that a live person is speaking. Pure and deterministic: no clock, no I/O.
 */
export class LiveHumanDetector {
  private frames = 0;
  private decided = false;
  private readonly analyzer = new FrameAnalyzer();
  private readonly classifier = new AudioClassifier();
  private readonly hasher = new FingerprintHasher();
  /** The last PROBE_WORDS hash words (a ring indexed by frame); NaN for quiet frames and after a gap. */
  private readonly recentWords = new Float64Array(PROBE_WORDS).fill(Number.NaN);
  private readonly probe = new Uint32Array(PROBE_WORDS);
  /** Reused per frame (a frame's outputs are read before the next frame). */
  private readonly outputs: DetectorOutput[] = [];
  /** This call's own utterances, to tell a replay within the call. */
  private readonly callMemory = new InMemoryLineMemory();
  /** The line's recorded voice as heard in this call: every utterance before a decision, pooled. */
  private readonly recordedVoice = new VoiceProfileBuilder();
  private recordedProfile: VoiceProfile | null = null;
  /** Utterances heard before any decision, not yet taught to the line (their fate is open). */
  private readonly pending: Passage[] = [];
  private passage: Passage | null = null;
  private utterance: Utterance | null = null;
  private lastClosed: Utterance | null = null;
  /** The last probe's match, waiting for the next probe to confirm it. */
  /** The replay the current passage was last recognised as (cleared with the passage). */
  private lock: { match: LineMemoryMatch; scope: 'call' | 'line'; frameIndex: number } | null = null;
  private candidate: { match: LineMemoryMatch; scope: 'call' | 'line'; frameIndex: number; steps: number } | null =
    null;
  private lastClass: AudioClass = 'silence';
  private musicFrames = 0;
  private utterances = 0;
  private lastUtteranceEnd = Number.NEGATIVE_INFINITY;
  private voicemail = false;
  /** This call replayed audio the line memory knows: the line's recordings are known, novel speech is news. */
  private lineKnown = false;
  private heardKnownRecording = false;
  private toneStart = Number.NEGATIVE_INFINITY;
  private ivrFinished = false;
  /** Where the call's hold began: the start of the music that made 2 s of it (null before). */
  private holdStartFrame: number | null = null;
  private musicSince = 0;
  /** A replay (of the line's or the call's memory) was recognised after hold music: the hold's recordings recur. */
  private holdReplayHeard = false;

  constructor(private readonly options: LiveHumanDetectorOptions = {}) {}

  /** Audio ms analysed so far. */
  get atMs(): number {
    return this.frames * FRAME_MS;
  }

  /** Whether the live-human decision has been made. */
  get hasDecided(): boolean {
    return this.decided;
  }

  /** One 20 ms frame (exactly 160 samples); returns what changed at this frame (usually nothing). */
  pushFrame(frame: Int16Array): DetectorOutput[] {
    if (frame.length !== FRAME_SAMPLES) throw new RangeError(`a frame is ${FRAME_SAMPLES} samples`);
    const frameIndex = this.frames++;
    const out: DetectorOutput[] = this.outputs;
    out.length = 0;
    const features = this.analyzer.analyze(frame);
    const state = this.classifier.push(features);
    const word = this.hasher.push(features.bands);
    // Quiet frames' words are kept as NaN: silence hashes alike on every line and must not make a match.
    this.recentWords[frameIndex % PROBE_WORDS] = word < 0 || state.label === 'silent' ? Number.NaN : word;
    if (state.changed) {
      out.push({ kind: state.kind, atMs: state.sinceFrame * FRAME_MS, confidence: round(state.confidence) });
      this.onClassChange(state.kind, state.sinceFrame);
    }
    if (state.kind === 'music' && ++this.musicFrames === HOLD_MIN_FRAMES) this.holdStartFrame = this.musicSince;
    const passage = this.passage;
    if (passage && passage.words.length < MAX_PASSAGE_WORDS) {
      const kept = this.recentWords[frameIndex % PROBE_WORDS];
      passage.words.push(Number.isNaN(kept) ? QUIET_WORD : kept);
      if (frameIndex % SHARE_HEARING_FRAMES === 0) this.shareHearing(passage);
    }
    let u = this.utterance;
    if (u && state.kind === 'speech') {
      // A pause filled with the agent's room (murmur well above the line's noise, so still "active") is a pause:
      // sound 25 dB under the utterance's loudest for 300 ms. Speech rising out of it again is a new utterance.
      const soft = u.levelFrames >= 10 && features.energyDb < u.peakLevel - SOFT_BELOW_SPEECH_DB;
      const sounding = state.label === 'active' && !soft;
      u.softRun = sounding ? 0 : u.softRun + 1;
      u.loudRun = sounding ? u.loudRun + 1 : 0;
      if (u.softPause && u.loudRun >= SOFT_RESUME_FRAMES) {
        this.closeUtterance();
        this.startUtterance(frameIndex - SOFT_RESUME_FRAMES + 1);
        u = this.utterance as Utterance;
      } else if (!u.softPause && u.softRun >= SOFT_PAUSE_FRAMES) {
        u.softPause = true;
        u.quietSince = frameIndex;
        u.pauseIsQuiet = true;
      }
    }
    if (u) {
      if (state.kind === 'speech' && !u.softPause) {
        u.quietSince = null;
        if (state.label === 'active') {
          u.peakLevel = Math.max(u.peakLevel, features.energyDb);
          u.levelFrames++;
        }
        // Only voiced-or-noisy sound counts as speech time: the hysteresis tail after a click or a DTMF
        // digit (300 ms of nothing before "silence" is reported) is no speech.
        if (state.label === 'active') {
          u.speechFrames++;
          if (passage) passage.speechFrames++;
        }
        if (state.label !== 'silent') {
          u.voice.add(features);
          u.fullVoice.add(features);
          u.scoreSum += state.speechScore;
          u.scoreFrames++;
          if (passage) {
            passage.scoreSum += state.speechScore;
            passage.scoreFrames++;
          }
        }
        if ((frameIndex - u.startFrame) % BLOCK_FRAMES === 0) this.checkReplay(u, frameIndex, out);
      } else if (state.kind === 'speech') {
        // In a soft pause: the room, not a turn.
      } else if (u.quietSince === null) {
        u.quietSince = frameIndex;
        u.pauseIsQuiet = true;
      } else if (state.kind !== 'silence') u.pauseIsQuiet = false;
      if (u.quietSince !== null && frameIndex - u.quietSince >= UTTERANCE_GAP_FRAMES) {
        this.closeUtterance();
        this.closePassage(false);
      } else if (!this.decided && this.utterance) this.decide(this.utterance, frameIndex, out);
    }
    return out;
  }

  /** `frames` 20 ms frames were lost (the stream skipped them): time moves on, nothing is heard. */
  pushGap(frames: number): DetectorOutput[] {
    const n = Math.max(0, Math.floor(frames));
    if (n === 0) return [];
    this.frames += n;
    this.analyzer.reset();
    this.hasher.reset();
    this.recentWords.fill(Number.NaN);
    // The passage keeps one word per frame, so that a replay's words stay where its frames were.
    const passage = this.passage;
    if (passage) for (let k = 0; k < n && passage.words.length < MAX_PASSAGE_WORDS; k++) passage.words.push(QUIET_WORD);
    if (n >= LOST_AUDIO_ENDS_TURN_FRAMES && this.utterance) {
      // Nothing answers across it (closed as if a recording followed), and no decision until the audio changes class.
      this.closeUtterance(true);
      this.closePassage(false);
    }
    return [];
  }

  hint(hint: DetectorHint): void {
    if (hint.kind === 'ivr-finished') this.ivrFinished = true;
  }

  /** The stream ended: returns anything still pending and teaches the line memory what was recorded. */
  end(): DetectorOutput[] {
    this.closeUtterance();
    this.closePassage(false);
    this.options.lineMemory?.hearing?.(this, null);
    if (!this.decided) {
      for (const p of this.pending.splice(0)) this.teachLine(p);
      this.noteHoldHeard(this.frames);
    }
    return [];
  }

  private onClassChange(kind: AudioClass, sinceFrame: number): void {
    const previous = this.lastClass;
    this.lastClass = kind;
    if (kind === 'tone') this.toneStart = sinceFrame;
    // A beep shortly after speech, then quiet: a voicemail greeting has ended and the line waits for a message.
    if (kind === 'silence' && previous === 'tone' && this.toneStart - this.lastUtteranceEnd <= BEEP_AFTER_SPEECH_FRAMES)
      this.voicemail = true;
    if (kind === 'speech') {
      // Speech after a pause is a new utterance: the pause before it is the turn-taking cue.
      this.closeUtterance();
      this.startUtterance(sinceFrame);
      return;
    }
    if (kind === 'music') this.musicSince = sinceFrame;
    if (kind === 'music' || kind === 'tone') {
      this.closeUtterance(true);
      this.closePassage(true);
    }
  }

  private startUtterance(startFrame: number): void {
    const u: Utterance = {
      startFrame,
      speechFrames: 0,
      novelSince: null,
      lastMatchFrame: null,
      everMatched: false,
      repeatReported: false,
      quietSince: null,
      pauseIsQuiet: true,
      voice: new VoiceProfileBuilder(),
      fullVoice: new VoiceProfileBuilder(),
      answersPause: false,
      answersGreeting: false,
      peakLevel: -100,
      levelFrames: 0,
      softRun: 0,
      loudRun: 0,
      softPause: false,
      voiceVerdict: 'unknown',
      voiceDistance: 0,
      scoreSum: 0,
      scoreFrames: 0,
      afterHold: this.musicFrames >= HOLD_MIN_FRAMES,
      callStart: this.musicFrames < HOLD_MIN_FRAMES && !this.ivrFinished && !this.heardKnownRecording,
      holdSettled: this.musicFrames >= HOLD_SETTLED_FRAMES,
      holdPositionMs: this.holdStartFrame === null ? null : (startFrame - this.holdStartFrame) * FRAME_MS,
      unmatchedProbes: 0,
    };
    // The classifier names speech after its hysteresis (later still after music), dated back to its start: the
    // sound of those frames is the utterance's too (a 0.5 s "Hello?" after music was heard as 0.2 s of speech).
    const reported = this.frames - 1;
    for (let frame = Math.max(startFrame, reported - PROBE_WORDS + 1); frame < reported; frame++)
      if (!Number.isNaN(this.recentWords[frame % PROBE_WORDS])) u.speechFrames++;
    const last = this.lastClosed;
    const answersNovel =
      last !== null &&
      last.speechFrames * FRAME_MS >= MIN_TURN_MS &&
      endsNovel(last) &&
      last.pauseIsQuiet &&
      last.quietSince !== null &&
      startFrame - last.quietSince >= SPOKE_AGAIN_MIN_PAUSE_FRAMES &&
      startFrame - last.quietSince <= SPOKE_AGAIN_MAX_PAUSE_FRAMES;
    u.answersPause = answersNovel && !last.callStart;
    u.answersGreeting = answersNovel && last.speechFrames * FRAME_MS <= SHORT_GREETING_MS;
    if (!this.passage) {
      // The classifier reports speech a few frames after it began, and after music later still: the passage
      // takes the words from 0.5 s before (the current frame's word is added by pushFrame).
      const current = this.frames - 1;
      const back = Math.min(current - startFrame + ONSET_LEAD_FRAMES, PROBE_WORDS - 1, current);
      const words: number[] = [];
      for (let frame = current - back; frame < current; frame++) {
        const w = this.recentWords[frame % PROBE_WORDS];
        words.push(Number.isNaN(w) ? QUIET_WORD : w);
      }
      this.passage = {
        startFrame: current - back,
        speechStartFrame: startFrame,
        words,
        speechFrames: 0,
        scoreSum: 0,
        scoreFrames: 0,
        novel: false,
        matched: false,
        replayEnded: false,
        utterances: [],
      };
    }
    this.passage.utterances.push(u);
    this.utterance = u;
    this.utterances++;
  }

  /** Ends the current utterance; `followedByRecording` when music or a tone took over (recordings do that). */
  private closeUtterance(followedByRecording = false): void {
    const u = this.utterance;
    if (!u) return;
    this.utterance = null;
    this.lastClosed = followedByRecording ? null : u;
    this.lastUtteranceEnd = u.quietSince ?? this.frames;
    // Only what sounded like speech teaches the recorded voice (not the first beats of music taken for speech).
    if (!this.decided && isSpeech(u)) {
      this.recordedVoice.merge(u.fullVoice);
      this.recordedProfile = this.recordedVoice.size >= VOICE_MIN_FRAMES ? this.recordedVoice.build() : null;
    }
  }

  /** Ends the passage: the call remembers it; the line learns it now (music or a tone followed) or later. */
  private closePassage(followedByRecording: boolean): void {
    const p = this.passage;
    if (!p) return;
    this.passage = null;
    this.lock = null;
    // The first beats of music can pass for speech for a moment: such fragments are no recording.
    if (p.speechFrames < MIN_UTTERANCE_FRAMES || p.scoreSum < 0.5 * p.scoreFrames) return;
    this.callMemory.remember({ atMs: p.startFrame * FRAME_MS, kind: 'speech', hashes: Uint32Array.from(p.words) });
    if (this.decided) return;
    if (followedByRecording) this.teachLine(p);
    else this.pending.push(p);
  }

  private teachLine(p: Passage): void {
    // A passage that only replayed known audio is known already.
    if (!p.novel || p.words.length < MIN_PROBE_WORDS) return;
    this.options.lineMemory?.remember({
      atMs: p.startFrame * FRAME_MS,
      kind: 'speech',
      hashes: Uint32Array.from(p.words),
    });
  }

  /**
   * At a decision: the sentences of the current passage before the person (an announcement the agent followed
   * within 2 s) were a recording; the line learns them, or the next leg would hear them as news.
   */
  private teachPassageBefore(personFrom: number): void {
    const p = this.passage;
    if (!p) return;
    const earlier = p.utterances.filter((x) => x.startFrame < personFrom);
    const speech = earlier.reduce((sum, x) => sum + x.speechFrames, 0);
    if (speech * FRAME_MS < SHORT_UTTERANCE_MS || earlier.every((x) => x.everMatched && x.novelSince === null)) return;
    const words = p.words.slice(0, Math.max(0, personFrom - p.startFrame));
    if (words.length < MIN_PROBE_WORDS) return;
    this.options.lineMemory?.remember({
      atMs: p.startFrame * FRAME_MS,
      kind: 'speech',
      hashes: Uint32Array.from(words),
    });
  }

  /**
   * Shares the passage being heard with the line's other legs, a replay too (the leg ahead, that heard it first, is
   * told by the legs behind it that it was a recording).
   */
  private shareHearing(p: Passage): void {
    const memory = this.options.lineMemory;
    if (!memory?.hearing || this.decided || p.words.length < MIN_PROBE_WORDS) return;
    memory.hearing(this, { atMs: p.startFrame * FRAME_MS, kind: 'speech', hashes: Uint32Array.from(p.words) });
  }

  /**
   * Before a decision: another leg of the line is hearing (or has just heard) this utterance too — the same audio on
   * two calls at once is a recording, first heard by both (an announcement new to the line plays on every leg of a
   * hunt within seconds; the leg ahead would otherwise take it for news). The utterance's last sound, probed at three
   * points 100 ms apart, must align with one leg's audio in step. If so the utterance is a replay from now on.
   */
  private heardOnAnotherLeg(u: Utterance, endFrame: number): boolean {
    const memory = this.options.lineMemory;
    const p = this.passage;
    if (!memory?.hearing || !p) return false;
    let previous: { match: LineMemoryMatch; end: number } | null = null;
    let end = Math.min(endFrame, p.startFrame + p.words.length) - p.startFrame;
    for (let step = 0; step < 3; step++, end -= BLOCK_FRAMES) {
      // Each probe ends on sound (a probe ending in quiet says nothing).
      while (end > 0 && p.words[end - 1] === QUIET_WORD) end--;
      const start = Math.max(p.speechStartFrame - p.startFrame, 0, end - PROBE_WORDS);
      if (end - start < MIN_PROBE_WORDS) return false;
      const hashes = Uint32Array.from(p.words.slice(start, end));
      const match = memory.match(
        { atMs: (p.startFrame + start) * FRAME_MS, kind: 'speech', hashes },
        { hearer: this, onlyHeardNow: true },
      );
      if (!match) return false;
      // The same audio of the same leg, aligned where these probes are apart (a replay keeps step).
      if (
        previous &&
        (previous.match.of !== match.of ||
          (match.alignedAtMs !== undefined &&
            previous.match.alignedAtMs !== undefined &&
            Math.abs(previous.match.alignedAtMs - match.alignedAtMs - (previous.end - end) * FRAME_MS) > 2 * FRAME_MS))
      )
        return false;
      previous = { match, end };
    }
    u.everMatched = true;
    u.lastMatchFrame = Math.min(endFrame, this.frames - 1);
    u.novelSince = null;
    p.matched = true;
    return true;
  }

  private checkReplay(u: Utterance, frameIndex: number, out: DetectorOutput[]): void {
    const passageStart = this.passage ? this.passage.speechStartFrame : u.startFrame;
    const available = Math.min(frameIndex - passageStart + 1, PROBE_WORDS);
    if (available < MIN_PROBE_WORDS) return;
    for (let k = 0; k < available; k++) {
      const w = this.recentWords[(frameIndex - available + 1 + k) % PROBE_WORDS];
      this.probe[k] = Number.isNaN(w) ? QUIET_WORD : w;
    }
    // A probe that ends in quiet or holds too little sound says nothing either way (it is not "unmatched").
    let soundBlocks = 0;
    for (let k = available - 1; k >= 0; k -= BLOCK_FRAMES) if (this.probe[k] !== QUIET_WORD) soundBlocks++;
    if (this.probe[available - 1] === QUIET_WORD || soundBlocks < MIN_PROBE_BLOCKS) {
      this.refreshVoice(u, frameIndex);
      return;
    }
    const probe = { atMs: u.startFrame * FRAME_MS, kind: 'speech' as const, hashes: this.probe.subarray(0, available) };
    const followed = this.follow(probe, frameIndex);
    let match: LineMemoryMatch | null = followed?.match ?? this.callMemory.match(probe);
    let scope: 'call' | 'line' = followed?.scope ?? 'call';
    if (!match && this.options.lineMemory) {
      match = this.options.lineMemory.match(probe, { hearer: this });
      scope = 'line';
    }
    if (!match) this.candidate = null;
    else if (!followed && !this.confirms(match, scope, frameIndex)) {
      // A match not yet in step for long enough: neither a replay nor news yet.
      u.unmatchedProbes = 0;
      this.refreshVoice(u, frameIndex);
      return;
    }
    if (match) this.lock = { match, scope, frameIndex };
    // What another leg is hearing at the same time is a recording, but one the line has not played before: it makes
    // neither the line nor its hold known (the cues that trust a known line would trust a first hearing).
    const remembered = match !== null && !match.heardNow;
    if (remembered && scope === 'line') this.lineKnown = true;
    // Before hold, speech after a known recording (the IVR, replayed) is no longer the IVR's opening.
    if (remembered) this.heardKnownRecording = true;
    if (remembered && this.musicFrames >= HOLD_MIN_FRAMES) this.holdReplayHeard = true;
    if (match && this.passage) {
      this.passage.matched = true;
      // Another leg's audio ends where that leg has heard to: it says nothing of where the recording ends.
      this.passage.replayEnded =
        remembered && (match.remainingSoundMs ?? Number.POSITIVE_INFINITY) <= REPLAY_END_SOUND_MS;
    }
    if (match) {
      u.unmatchedProbes = 0;
      u.lastMatchFrame = frameIndex;
      u.novelSince = null;
      u.everMatched = true;
      // What follows a replay is judged on its own voice.
      u.voice = new VoiceProfileBuilder();
      if (!u.repeatReported) {
        u.repeatReported = true;
        out.push({
          kind: 'repeat',
          atMs: u.startFrame * FRAME_MS,
          of: match.of,
          scope,
          confidence: round(match.similarity),
        });
      }
    } else {
      u.unmatchedProbes++;
      if (u.novelSince === null) u.novelSince = u.lastMatchFrame ?? u.startFrame;
      if (this.passage) this.passage.novel = true;
    }
    this.refreshVoice(u, frameIndex);
  }

  /** The replay this passage is known to be, followed to where it should be now (through pauses and noise). */
  private follow(
    probe: SegmentFingerprint,
    frameIndex: number,
  ): { match: LineMemoryMatch; scope: 'call' | 'line' } | null {
    const lock = this.lock;
    if (!lock || lock.match.alignedAtMs === undefined) return null;
    const memory = lock.scope === 'call' ? this.callMemory : this.options.lineMemory;
    const alignedAtMs = lock.match.alignedAtMs + (frameIndex - lock.frameIndex) * FRAME_MS;
    const match = memory?.match(probe, {
      follow: { of: lock.match.of, alignedAtMs, toleranceMs: FOLLOW_TOLERANCE_MS },
      ...(lock.scope === 'line' ? { hearer: this } : {}),
    });
    return match ? { match, scope: lock.scope } : null;
  }

  private refreshVoice(u: Utterance, frameIndex: number): void {
    // The voice changes slowly: compare it every 0.3 s (building a profile sorts its pitches).
    if ((frameIndex - u.startFrame) % VOICE_CHECK_FRAMES === 0 || u.voiceVerdict === 'unknown')
      u.voiceVerdict = this.compareVoice(u);
  }

  /**
   * A match counts once the next CONFIRM_STEPS probes (100 ms apart) match the same remembered audio in step:
   * a replay keeps step, a chance resemblance (words said alike by the same synthetic voice) does not.
   */
  private confirms(match: LineMemoryMatch, scope: 'call' | 'line', frameIndex: number): boolean {
    const previous = this.candidate;
    const inStep =
      previous !== null &&
      previous.scope === scope &&
      previous.match.of === match.of &&
      frameIndex - previous.frameIndex <= 2 * BLOCK_FRAMES &&
      (match.alignedAtMs === undefined ||
        previous.match.alignedAtMs === undefined ||
        Math.abs(match.alignedAtMs - (previous.match.alignedAtMs + (frameIndex - previous.frameIndex) * FRAME_MS)) <=
          2 * FRAME_MS);
    const steps = inStep ? previous.steps + 1 : 0;
    this.candidate = { match, scope, frameIndex, steps };
    return steps >= CONFIRM_STEPS;
  }

  /**
   * The utterance began inside the stretch of hold this line has already heard (on other legs, all of it
   * recordings), and this call recognised one of the hold's recordings: what a hold plays there has been heard.
   */
  private inKnownHold(u: Utterance): boolean {
    if (!this.holdReplayHeard || u.holdPositionMs === null) return false;
    return u.holdPositionMs <= (this.options.lineMemory?.heardHoldMs ?? 0);
  }

  /** Tells the line how far into its hold this call heard only recordings (up to `untilFrame`). */
  private noteHoldHeard(untilFrame: number): void {
    if (this.holdStartFrame === null || untilFrame <= this.holdStartFrame) return;
    this.options.lineMemory?.heardHold?.((untilFrame - this.holdStartFrame) * FRAME_MS);
  }

  private compareVoice(u: Utterance): RuleEvidence['voice'] {
    if (u.voice.size < VOICE_MIN_FRAMES || !this.recordedProfile) return 'unknown';
    const nearest = voiceDistance(u.voice.build(), this.recordedProfile);
    u.voiceDistance = nearest;
    return nearest > NEW_VOICE_DISTANCE ? 'different' : nearest <= SAME_VOICE_DISTANCE ? 'same' : 'unknown';
  }

  private decide(u: Utterance, frameIndex: number, out: DetectorOutput[]): void {
    const inSpeech = u.quietSince === null;
    const evidence: RuleEvidence = {
      phase: inSpeech ? 'in-speech' : 'after-speech',
      novelMs: novelMs(u, frameIndex),
      utteranceMs: u.speechFrames * FRAME_MS,
      matched: inSpeech
        ? u.lastMatchFrame !== null && frameIndex - u.lastMatchFrame < MATCH_FRESH_FRAMES
        : !endsNovel(u),
      pauseMs: inSpeech ? 0 : (frameIndex - (u.quietSince as number)) * FRAME_MS,
      pauseIsQuiet: u.pauseIsQuiet,
      callStart: u.callStart,
      afterHold: u.afterHold,
      voice: u.voiceVerdict,
      speechLike: u.scoreFrames ? u.scoreSum / u.scoreFrames : 0,
      voicemail: this.voicemail,
      spokeAgain: u.answersPause,
      answersGreeting: u.answersGreeting,
      lineKnown: this.lineKnown,
      holdSettled: u.holdSettled,
      inKnownHold: this.inKnownHold(u),
      passageMatched: u.everMatched || (this.passage?.matched ?? false),
      // Only a new utterance after the ended replay: singing that runs on from an announcement stays in its utterance.
      replayEnded: (this.passage?.replayEnded ?? false) && !u.everMatched,
      unmatchedProbes: u.unmatchedProbes,
    };
    const decision = decideLiveHuman(evidence);
    if (!decision) return;
    if (this.heardOnAnotherLeg(u, inSpeech ? frameIndex + 1 : (u.quietSince as number))) return;
    this.decided = true;
    // From here on this leg hears a person: nothing it hears is shared as a possible recording.
    this.options.lineMemory?.hearing?.(this, null);
    // What came before the person was recorded: the line learns it now, for the other legs. Not what may have
    // been the person already (the sentence a "spoke again" answers, a short "Hello?"): a line that learns a
    // person's words is deaf to them.
    for (const earlier of this.pending.splice(0)) {
      const answered = u.answersPause && this.lastClosed !== null && earlier.utterances.includes(this.lastClosed);
      if (!answered && earlier.speechFrames * FRAME_MS >= SHORT_UTTERANCE_MS) this.teachLine(earlier);
    }
    // The hold up to the person (or the sentence a "spoke again" answers) was recordings.
    const personFrom = u.answersPause && this.lastClosed ? this.lastClosed.startFrame : u.startFrame;
    this.teachPassageBefore(personFrom);
    this.noteHoldHeard(personFrom);
    const evidenceList = [...decision.evidence];
    if (u.voiceVerdict !== 'unknown') evidenceList.push(`voice-distance ${u.voiceDistance.toFixed(2)}`);
    out.push({
      kind: 'live-human',
      atMs: (frameIndex + 1) * FRAME_MS,
      confidence: decision.confidence,
      evidence: evidenceList,
    });
  }
}

/** Enough speech-like sound to be an utterance (0.5 s, scored as speech on average). */
function isSpeech(u: Utterance): boolean {
  return u.speechFrames >= MIN_UTTERANCE_FRAMES && u.scoreSum >= 0.5 * u.scoreFrames;
}

/**
 * Whether the utterance ended in at least 1 s of speech that matched nothing (a replay that ended, then someone
 * new, is judged on the new part), or never matched at all.
 */
function endsNovel(u: Utterance): boolean {
  if (u.lastMatchFrame === null) return true;
  if (u.novelSince === null) return false;
  const end = u.quietSince ?? u.startFrame + u.speechFrames;
  return end - u.novelSince >= MATCH_FRESH_FRAMES;
}

/** Novel speech of the utterance so far; one too short to be probed at all counts as novel (nothing matched it). */
function novelMs(u: Utterance, frameIndex: number): number {
  // Never more than the utterance's sound: a click and the hysteresis tail after it are not 300 ms of speech.
  if (u.novelSince !== null)
    return Math.min(Math.min(frameIndex, u.quietSince ?? frameIndex) - u.novelSince, u.speechFrames) * FRAME_MS;
  if (u.lastMatchFrame === null && u.quietSince !== null) return u.speechFrames * FRAME_MS;
  return 0;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
