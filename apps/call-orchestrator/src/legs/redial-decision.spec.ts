import { type RedialInput, redialDecision } from './redial-decision';

const base: RedialInput = {
  reason: 'busy',
  attempt: 1,
  maxAttemptsPerLine: 3,
  backoffMs: 30_000,
  nowMs: 1_000_000,
  deadlineMs: 1_000_000 + 3600_000,
  huntRunning: true,
};

describe('redialDecision', () => {
  it('redials busy, no-answer, failed, too-busy and voicemail lines after the backoff, as the next attempt', () => {
    for (const reason of ['busy', 'no-answer', 'failed', 'too-busy', 'voicemail', 'dial-failed'] as const) {
      expect(redialDecision({ ...base, reason })).toEqual({ redial: true, attempt: 2, atMs: 1_030_000 });
    }
  });

  it('stops at the per-line attempts', () => {
    expect(redialDecision({ ...base, attempt: 2 })).toEqual({ redial: true, attempt: 3, atMs: 1_030_000 });
    expect(redialDecision({ ...base, attempt: 3 })).toEqual({ redial: false });
  });

  it('never redials past the deadline, nor after a win, a cancel or a lost race', () => {
    expect(redialDecision({ ...base, deadlineMs: base.nowMs + 10_000 })).toEqual({ redial: false });
    expect(redialDecision({ ...base, huntRunning: false })).toEqual({ redial: false });
    for (const reason of ['cancelled', 'exhausted', 'lost-race', 'completed'] as const) {
      expect(redialDecision({ ...base, reason })).toEqual({ redial: false });
    }
  });
});
