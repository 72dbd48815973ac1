import { isVoicemail, legOutcomeOfCallStatus } from './leg-outcome';

describe('legOutcomeOfCallStatus', () => {
  it('answered goes into the IVR script, or straight to hold without one', () => {
    expect(legOutcomeOfCallStatus('answered', 'ringing', true)).toEqual({ to: 'ivr' });
    expect(legOutcomeOfCallStatus('answered', 'ringing', false)).toEqual({ to: 'holding' });
  });

  it('names why a leg that never got through ended', () => {
    expect(legOutcomeOfCallStatus('busy', 'dialing', true)).toEqual({ to: 'ended', reason: 'busy' });
    expect(legOutcomeOfCallStatus('no-answer', 'ringing', true)).toEqual({ to: 'ended', reason: 'no-answer' });
    expect(legOutcomeOfCallStatus('failed', 'dialing', true)).toEqual({ to: 'failed', reason: 'failed' });
    expect(legOutcomeOfCallStatus('completed', 'ringing', true)).toEqual({ to: 'ended', reason: 'no-answer' });
  });

  it('a far end that hangs up before anyone came on is "call back later"; after, it is a hang-up', () => {
    expect(legOutcomeOfCallStatus('completed', 'ivr', true)).toEqual({ to: 'ended', reason: 'too-busy' });
    expect(legOutcomeOfCallStatus('completed', 'holding', true)).toEqual({ to: 'ended', reason: 'too-busy' });
    expect(legOutcomeOfCallStatus('completed', 'human', true)).toEqual({ to: 'ended', reason: 'far-end-hung-up' });
  });

  it('initiated moves nothing', () => {
    expect(legOutcomeOfCallStatus('initiated', 'dialing', true)).toBeNull();
  });
});

describe('isVoicemail', () => {
  it('is a greeting that ended (beep or silence), never an IVR (machine_start) nor a person', () => {
    expect(isVoicemail('machine_end_beep')).toBe(true);
    expect(isVoicemail('machine_end_silence')).toBe(true);
    expect(isVoicemail('machine_start')).toBe(false);
    expect(isVoicemail('machine_end_other')).toBe(false);
    expect(isVoicemail('human')).toBe(false);
    expect(isVoicemail(undefined)).toBe(false);
  });
});
