import { transferOutcome } from './transfer-outcome';

describe('transferOutcome', () => {
  const dial = (dialCallStatus: string, attempt: number, callEnded = false) => ({ dialCallStatus, attempt, callEnded });

  it('connects when the destination answered, also when the bridge is over (the action comes after it)', () => {
    expect(transferOutcome(dial('completed', 1), 2)).toEqual({ kind: 'connected' });
    expect(transferOutcome(dial('answered', 3), 2)).toEqual({ kind: 'connected' });
    // The far end hung up during the bridge: still connected.
    expect(transferOutcome(dial('completed', 1, true), 2)).toEqual({ kind: 'connected' });
  });

  it('dials again after busy, no-answer, failed or canceled while retries are left', () => {
    for (const status of ['busy', 'no-answer', 'failed', 'canceled']) {
      expect(transferOutcome(dial(status, 1), 2)).toEqual({ kind: 'retry', attempt: 2, reason: status });
      expect(transferOutcome(dial(status, 2), 2)).toEqual({ kind: 'retry', attempt: 3, reason: status });
    }
  });

  it('gives up after the last retry (retries counts the dials after the first)', () => {
    expect(transferOutcome(dial('busy', 3), 2)).toEqual({ kind: 'give-up', reason: 'destination-unavailable' });
    expect(transferOutcome(dial('no-answer', 2), 1)).toEqual({ kind: 'give-up', reason: 'destination-unavailable' });
    expect(transferOutcome(dial('no-answer', 1), 0)).toEqual({ kind: 'give-up', reason: 'destination-unavailable' });
  });

  it('treats an unknown status as a failed dial', () => {
    expect(transferOutcome(dial('', 1), 1)).toEqual({ kind: 'retry', attempt: 2, reason: 'failed' });
    expect(transferOutcome(dial('weird', 2), 1)).toEqual({ kind: 'give-up', reason: 'destination-unavailable' });
  });

  it('stops when the person hung up while the destination rang', () => {
    expect(transferOutcome(dial('canceled', 1, true), 2)).toEqual({ kind: 'far-end-gone' });
    expect(transferOutcome(dial('no-answer', 3, true), 2)).toEqual({ kind: 'far-end-gone' });
  });
});
