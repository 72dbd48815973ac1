import { TERMINAL_CALL_STATUSES } from '@callfleet/contracts';

/** What a user may ask of a call: end it, or press keys on it. */
export type CallAction = 'hangup' | 'digits';

/**
 * Why `action` cannot be done to the call now (a 409 for the API), or null when it can: a hunt's
 * call belongs to its hunt (cancel the hunt instead), a call over stays over, and digits need
 * someone on the line (an answered call).
 */
export function callActionRefusal(call: { status: string; huntId: string | null }, action: CallAction): string | null {
  if (call.huntId) return 'This call is a hunt leg: the hunt controls it (cancel the hunt instead)';
  if ((TERMINAL_CALL_STATUSES as readonly string[]).includes(call.status)) return `The call is over (${call.status})`;
  if (action === 'digits' && call.status !== 'answered') return `The call is not answered yet (${call.status})`;
  return null;
}
