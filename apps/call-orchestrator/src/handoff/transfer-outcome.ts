/** What a `<Dial action>` request says about one dial of the hand-off's destination. */
export interface DialReport {
  /** `DialCallStatus`: completed | answered | busy | no-answer | failed | canceled. */
  dialCallStatus: string;
  /** The attempt this dial was (1 for the first), from the action URL. */
  attempt: number;
  /** The winner's own call is over (`CallStatus=completed` on the action): the provider ignores the answer. */
  callEnded: boolean;
}

export type TransferOutcome =
  /** The destination answered and was bridged to the person on the call. */
  | { kind: 'connected' }
  /** It did not take the call: hold the person and dial `attempt` next. */
  | { kind: 'retry'; attempt: number; reason: string }
  /** The last dial failed too: apologise and end the call. */
  | { kind: 'give-up'; reason: 'destination-unavailable' }
  /** The person hung up while the destination rang. */
  | { kind: 'far-end-gone' };

/** A dial that reached the destination (`answered` is a `<Conference>`'s). */
const BRIDGED = new Set(['completed', 'answered']);

/**
 * How the hand-off goes on after one dial: connected when the destination answered (even if the
 * bridge is over by now), else dialed again while `retries` allow (`retries` dials after the first),
 * else given up. A person who hung up while it rang is gone, whatever the dial says.
 */
export function transferOutcome(report: DialReport, retries: number): TransferOutcome {
  if (BRIDGED.has(report.dialCallStatus)) return { kind: 'connected' };
  if (report.callEnded) return { kind: 'far-end-gone' };
  if (report.attempt <= retries) {
    return { kind: 'retry', attempt: report.attempt + 1, reason: report.dialCallStatus || 'failed' };
  }
  return { kind: 'give-up', reason: 'destination-unavailable' };
}
