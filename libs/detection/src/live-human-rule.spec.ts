import { decideLiveHuman, type RuleEvidence } from './live-human-rule';

/** A person after hold: said something novel, and is now quiet, waiting. */
const agentPausing: RuleEvidence = {
  phase: 'after-speech',
  novelMs: 2500,
  utteranceMs: 2500,
  matched: false,
  pauseMs: 1400,
  pauseIsQuiet: true,
  callStart: false,
  afterHold: true,
  voice: 'unknown',
  speechLike: 0.7,
  voicemail: false,
  spokeAgain: false,
  answersGreeting: false,
  lineKnown: false,
  holdSettled: false,
  inKnownHold: false,
  passageMatched: false,
  replayEnded: false,
  unmatchedProbes: 0,
};

describe('decideLiveHuman', () => {
  it('decides on novel speech followed by a quiet pause of 1.35 s, with the evidence', () => {
    expect(decideLiveHuman(agentPausing)).toEqual({
      confidence: 0.8,
      evidence: ['novel-speech', 'turn-taking-pause', 'after-hold'],
    });
    expect(decideLiveHuman({ ...agentPausing, pauseMs: 1200 })).toBeNull();
  });

  it('never decides on a replay, after a voicemail beep, on vocals over music, or on a pause filled with music', () => {
    expect(decideLiveHuman({ ...agentPausing, matched: true })).toBeNull();
    expect(decideLiveHuman({ ...agentPausing, voicemail: true })).toBeNull();
    expect(decideLiveHuman({ ...agentPausing, speechLike: 0.3 })).toBeNull();
    expect(decideLiveHuman({ ...agentPausing, pauseIsQuiet: false })).toBeNull();
    expect(decideLiveHuman({ ...agentPausing, novelMs: 200 })).toBeNull();
  });

  it('does not decide while novel speech runs on, unless it is someone speaking again after a pause', () => {
    const speaking: RuleEvidence = { ...agentPausing, phase: 'in-speech', pauseMs: 0, novelMs: 3000 };
    expect(decideLiveHuman(speaking)).toBeNull();
    expect(decideLiveHuman({ ...speaking, spokeAgain: true })?.evidence).toEqual([
      'novel-speech',
      'spoke-again-after-pause',
      'after-hold',
    ]);
    expect(decideLiveHuman({ ...speaking, spokeAgain: true, novelMs: 1000 })).toBeNull();
  });

  it('takes a shorter pause after someone spoke again', () => {
    expect(decideLiveHuman({ ...agentPausing, spokeAgain: true, pauseMs: 700 })?.evidence).toContain(
      'spoke-again-after-pause',
    );
  });

  it('on a line whose recordings this call recognised, settled in hold, takes 0.7 s of quiet as the turn', () => {
    const known: RuleEvidence = { ...agentPausing, lineKnown: true, holdSettled: true, pauseMs: 700 };
    expect(decideLiveHuman(known)).toEqual({
      confidence: 0.75,
      evidence: ['novel-speech', 'novel-speech-on-known-line', 'turn-taking-pause', 'after-hold'],
    });
    // A first-heard recording's gap between sentences, an unknown line, or the first seconds of hold: no.
    expect(decideLiveHuman({ ...known, pauseMs: 500 })).toBeNull();
    expect(decideLiveHuman({ ...known, lineKnown: false })).toBeNull();
    expect(decideLiveHuman({ ...known, holdSettled: false })).toBeNull();
    expect(decideLiveHuman({ ...known, novelMs: 800 })).toBeNull();
    // Still never on a replay, or while the speech runs on.
    expect(decideLiveHuman({ ...known, matched: true })).toBeNull();
    expect(decideLiveHuman({ ...known, phase: 'in-speech', pauseMs: 0 })).toBeNull();
  });

  it('in a stretch of hold the line has heard before, decides while novel speech is still spoken', () => {
    const speaking: RuleEvidence = {
      ...agentPausing,
      phase: 'in-speech',
      pauseMs: 0,
      novelMs: 2000,
      utteranceMs: 2000,
      speechLike: 0.8,
      lineKnown: true,
      holdSettled: true,
      inKnownHold: true,
      unmatchedProbes: 12,
    };
    expect(decideLiveHuman(speaking)).toEqual({
      confidence: 0.7,
      evidence: ['novel-speech', 'novel-speech-in-known-hold', 'after-hold'],
    });
    // Past what the line's hold has shown (a recording not heard yet may play there), before hold settled, on
    // a line whose recordings this call did not recognise: wait for the turn.
    expect(decideLiveHuman({ ...speaking, inKnownHold: false })).toBeNull();
    expect(decideLiveHuman({ ...speaking, holdSettled: false })).toBeNull();
    expect(decideLiveHuman({ ...speaking, lineKnown: false })).toBeNull();
    // A passage that replayed a recording (a spliced "caller number <n>" announcement), a known recording that is
    // slow to be recognised over a noisy channel, vocals over music: no.
    expect(decideLiveHuman({ ...speaking, passageMatched: true })).toBeNull();
    // ... unless that recording had played to its end and a new utterance followed it (an agent right after it).
    expect(decideLiveHuman({ ...speaking, passageMatched: true, replayEnded: true })?.evidence).toContain(
      'novel-speech-in-known-hold',
    );
    expect(decideLiveHuman({ ...speaking, unmatchedProbes: 11 })).toBeNull();
    expect(decideLiveHuman({ ...speaking, speechLike: 0.6 })).toBeNull();
    expect(decideLiveHuman({ ...speaking, matched: true })).toBeNull();
  });

  it('where the IVR speaks, takes only a greeting answered by a short "Hello?" again and a pause', () => {
    const ivr: RuleEvidence = { ...agentPausing, callStart: true, afterHold: false, pauseMs: 3000 };
    expect(decideLiveHuman(ivr)).toBeNull();
    const hello: RuleEvidence = { ...ivr, answersGreeting: true, utteranceMs: 800, novelMs: 800, pauseMs: 1000 };
    expect(decideLiveHuman(hello)?.evidence).toContain('short-greeting');
    // An answering machine's "Hello?" goes on into its greeting.
    expect(decideLiveHuman({ ...hello, utteranceMs: 5000 })).toBeNull();
  });
});
