import { decideLiveHuman, type RuleEvidence } from './live-human-rule';

const agentAfterHold: RuleEvidence = {
  phase: 'in-speech',
  novelMs: 1200,
  utteranceMs: 1200,
  matched: false,
  pauseMs: 0,
  pauseIsQuiet: true,
  callStart: false,
  afterHold: true,
  voice: 'different',
  speechLike: 0.7,
  voicemail: false,
  spokeAgain: false,
  lineKnown: false,
};

describe('decideLiveHuman', () => {
  it('decides early on novel speech in a new voice after hold, with the evidence', () => {
    expect(decideLiveHuman(agentAfterHold)).toEqual({
      confidence: 0.9,
      evidence: ['novel-speech', 'new-voice', 'after-hold'],
    });
  });

  it('never decides on speech that matches memory, after a voicemail beep, or on vocals over music', () => {
    expect(decideLiveHuman({ ...agentAfterHold, matched: true })).toBeNull();
    expect(decideLiveHuman({ ...agentAfterHold, voicemail: true })).toBeNull();
    expect(decideLiveHuman({ ...agentAfterHold, speechLike: 0.3 })).toBeNull();
  });

  it('waits in the line’s recorded voice, at call start and before 1 s of novel speech', () => {
    expect(decideLiveHuman({ ...agentAfterHold, voice: 'same' })).toBeNull();
    expect(decideLiveHuman({ ...agentAfterHold, callStart: true })).toBeNull();
    expect(decideLiveHuman({ ...agentAfterHold, novelMs: 800 })).toBeNull();
  });

  it('decides on a turn-taking pause, not on a pause filled with music or after a recorded voice', () => {
    const pause: RuleEvidence = { ...agentAfterHold, phase: 'after-speech', voice: 'unknown', pauseMs: 1200 };
    expect(decideLiveHuman(pause)?.evidence).toEqual(['novel-speech', 'turn-taking-pause', 'after-hold']);
    expect(decideLiveHuman({ ...pause, pauseMs: 1000 })).toBeNull();
    expect(decideLiveHuman({ ...pause, pauseIsQuiet: false })).toBeNull();
    expect(decideLiveHuman({ ...pause, voice: 'same' })).toBeNull();
    expect(decideLiveHuman({ ...pause, utteranceMs: 4500 })).toBeNull();
  });

  it('at call start takes only a short greeting followed by a long pause', () => {
    const hello: RuleEvidence = {
      ...agentAfterHold,
      phase: 'after-speech',
      callStart: true,
      afterHold: false,
      voice: 'unknown',
      utteranceMs: 700,
      novelMs: 700,
      pauseMs: 1500,
    };
    expect(decideLiveHuman(hello)?.evidence).toContain('short-greeting');
    expect(decideLiveHuman({ ...hello, utteranceMs: 4000 })).toBeNull();
  });

  it('decides when someone speaks again, novel, after a quiet pause', () => {
    expect(decideLiveHuman({ ...agentAfterHold, voice: 'same', spokeAgain: true, novelMs: 1200 })?.evidence).toContain(
      'spoke-again-after-pause',
    );
  });
});
