import type { CallEntity } from '../calls/call.entity';

/**
 * Who answers a call-flow request that carries `DialCallStatus` (the outcome of a hand-off's
 * `<Dial action>`): the hand-off (hunt-handoff's HandoffModule provides it). The flow handler asks it
 * and sends its TwiML back to the provider as is.
 */
export const DIAL_OUTCOME_HANDLER = Symbol('callfleet:dial-outcome-handler');

export interface DialOutcomeHandler {
  dialOutcome(
    call: CallEntity,
    params: Record<string, string | string[]>,
    query: Record<string, string>,
  ): Promise<string /* TwiML */>;
}
