import type { CallEntity } from '../calls/call.entity';

/**
 * Who answers a call-flow request of a hand-off: one that carries `DialCallStatus` (the outcome of a
 * hand-off's `<Dial action>`) or the hand-off's own query parameter (`HANDOFF_QUERY_PARAM`, the
 * redirect that starts it). The hand-off (handoff/HandoffModule) provides it; the flow handler asks
 * it and sends its TwiML back to the provider as is.
 */
export const DIAL_OUTCOME_HANDLER = Symbol('callfleet:dial-outcome-handler');

/** The flow URL's query parameter of a hand-off's requests: the hunt's winner fence. */
export const HANDOFF_QUERY_PARAM = 'handoff';

export interface DialOutcomeHandler {
  dialOutcome(
    call: CallEntity,
    params: Record<string, string | string[]>,
    query: Record<string, string>,
  ): Promise<string /* TwiML */>;
}
