import type { CallStatus, LegEndReason, LegStatus } from '@callfleet/contracts';

/** Where a provider call status takes the call's leg: a status (and a reason when it ends), or nowhere. */
export type LegOutcome = { to: LegStatus; reason?: LegEndReason } | null;

/**
 * What a call's (applied) provider status means for its leg. Answered goes into the IVR script, or
 * straight to hold when there is none. The far end hanging up on a leg that was answered but never
 * reached a person is the "call back later" case (`too-busy`: an announcement, then the line drops);
 * on a leg that had a person it is `far-end-hung-up`.
 */
export function legOutcomeOfCallStatus(status: CallStatus, leg: LegStatus, hasScript: boolean): LegOutcome {
  switch (status) {
    case 'initiated':
      return null;
    case 'ringing':
      return { to: 'ringing' };
    case 'answered':
      return { to: hasScript ? 'ivr' : 'holding' };
    case 'busy':
      return { to: 'ended', reason: 'busy' };
    case 'no-answer':
      return { to: 'ended', reason: 'no-answer' };
    case 'failed':
      return { to: 'failed', reason: 'failed' };
    case 'canceled':
      return { to: 'ended', reason: 'cancelled' };
    case 'completed':
      if (leg === 'dialing' || leg === 'ringing') return { to: 'ended', reason: 'no-answer' };
      if (leg === 'ivr' || leg === 'holding') return { to: 'ended', reason: 'too-busy' };
      return { to: 'ended', reason: 'far-end-hung-up' };
  }
}

/** Answering-machine results that mean a voicemail greeting (hang up, redial later); `machine_start` is an IVR. */
export function isVoicemail(answeredBy: string | undefined): boolean {
  return answeredBy === 'machine_end_beep' || answeredBy === 'machine_end_silence';
}
