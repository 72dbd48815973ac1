import { ErrorCode } from '@callfleet/contracts';
import { isSettled, nextRecordingState } from './recording-state';

describe('nextRecordingState', () => {
  it('walks pending → downloading → stored', () => {
    const downloading = nextRecordingState('pending', 'attempt-started');
    expect(downloading).toBe('downloading');
    expect(nextRecordingState(downloading, 'stored')).toBe('stored');
  });

  it('goes back to pending after a failed attempt, and to failed after the last one', () => {
    expect(nextRecordingState('downloading', 'attempt-failed')).toBe('pending');
    expect(nextRecordingState('downloading', 'gave-up')).toBe('failed');
  });

  it('lets an attempt start again on a recording a crash left downloading', () => {
    expect(nextRecordingState('downloading', 'attempt-started')).toBe('downloading');
  });

  it.each(['stored', 'failed'] as const)('never changes a %s recording', (state) => {
    for (const transition of ['attempt-started', 'stored', 'attempt-failed', 'gave-up'] as const) {
      expect(() => nextRecordingState(state, transition)).toThrow(
        expect.objectContaining({ code: ErrorCode.STATE_CONFLICT }),
      );
    }
    expect(isSettled(state)).toBe(true);
  });

  it('refuses storing what was never downloaded', () => {
    expect(() => nextRecordingState('pending', 'stored')).toThrow(
      expect.objectContaining({ code: ErrorCode.STATE_CONFLICT }),
    );
    expect(isSettled('pending')).toBe(false);
  });
});
