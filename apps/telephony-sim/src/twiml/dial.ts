import { randomBytes } from 'node:crypto';
import type { CallRuntime } from '../calls/call-runtime';
import { type DialCallStatus, destinationKey, planDestination, unansweredDialStatus } from '../calls/destinations';
import type { DialAttempt, DialAttemptStatus } from '../calls/sim-call';
import type { DialStep } from './twiml';
import { untilAborted } from './until-aborted';

/** How a `<Dial>` ended, as its `action` is told (DialCallStatus, DialCallSid, DialCallDuration). */
export interface DialOutcome {
  dialCallStatus: DialCallStatus;
  dialCallSid: string;
  /** Simulated seconds the destination was bridged; set only when it answered. */
  durationSeconds?: number;
  bridged: boolean;
  /** The call ended during the dial (the far end or the API hung up): the action is told, its answer ignored. */
  callEnded: boolean;
}

/** The parameters Twilio adds to the `<Dial action>` request. */
export function dialActionParams(outcome: DialOutcome): Record<string, string> {
  return {
    DialCallStatus: outcome.dialCallStatus,
    DialCallSid: outcome.dialCallSid,
    DialBridged: String(outcome.bridged),
    ...(outcome.durationSeconds === undefined ? {} : { DialCallDuration: String(outcome.durationSeconds) }),
    ...(outcome.callEnded ? { CallStatus: 'completed' } : {}),
  };
}

/**
 * Asks a destination's `url` (Twilio's whisper, `<Number url>`) when it answers, as its own call: the
 * dialed leg's `CallSid` with the far end's call as `ParentCallSid`. Its TwiML would run on the
 * destination's side; the simulator notes the request and bridges.
 */
export type DialWhisper = (attempt: DialAttempt, url: string, method: 'GET' | 'POST') => Promise<void>;

/**
 * Rings every noun of the `<Dial>` at once, each doing what its destination scenario says; the first
 * to answer is bridged to the far end (the rest are canceled) until the destination or the far end
 * hangs up. While it rings, a person on the far end stays on the line, waiting. Rejects only when
 * `signal` aborts with the call still live (a redirect): the dial is canceled and the new instructions run.
 */
export async function runDial(
  step: DialStep,
  rt: CallRuntime,
  signal: AbortSignal,
  whisper?: DialWhisper,
): Promise<DialOutcome> {
  const ringing = step.targets.map((target) => {
    const priorDials = rt.countDial(destinationKey(target));
    const plan = planDestination(target, priorDials);
    const attempt: DialAttempt = {
      dialCallSid: `CA${randomBytes(16).toString('hex')}`,
      destination: target,
      scenario: plan.scenario,
      attempt: priorDials,
      status: 'ringing',
      timeoutSeconds: step.timeoutSeconds,
      ...(step.action ? { action: step.action } : {}),
      startedAt: new Date().toISOString(),
    };
    rt.call.dials.push(attempt);
    note(rt, attempt);
    // When each destination stops ringing, and how.
    const answers = plan.outcome === 'answer' && plan.ringSeconds <= step.timeoutSeconds;
    const endsAt = plan.outcome === 'no-answer' ? step.timeoutSeconds : Math.min(plan.ringSeconds, step.timeoutSeconds);
    const result: 'answer' | 'busy' | 'no-answer' | 'failed' = answers
      ? 'answer'
      : plan.outcome === 'answer' || plan.ringSeconds > step.timeoutSeconds
        ? 'no-answer'
        : plan.outcome;
    return { attempt, plan, endsAt, result };
  });
  const order = [...ringing].sort((a, b) => a.endsAt - b.endsAt);
  const firstAnswer = order.find((r) => r.result === 'answer');
  // A destination that answers at once (a queue, a conference) leaves the far end no time to wait.
  if ((firstAnswer?.endsAt ?? order[order.length - 1].endsAt) > 0) rt.setDialRinging(true);

  let elapsed = 0;
  try {
    for (const entry of order) {
      await rt.sleep(entry.endsAt - elapsed, signal);
      elapsed = entry.endsAt;
      if (entry.result === 'answer') break;
      settle(rt, entry.attempt, entry.result);
    }
  } catch (error) {
    for (const entry of ringing) if (entry.attempt.status === 'ringing') settle(rt, entry.attempt, 'canceled');
    if (rt.isOver) {
      return {
        dialCallStatus: 'canceled',
        dialCallSid: ringing[0].attempt.dialCallSid,
        bridged: false,
        callEnded: true,
      };
    }
    throw error;
  } finally {
    rt.setDialRinging(false);
  }

  if (!firstAnswer) {
    const last = order[order.length - 1].attempt;
    const status = unansweredDialStatus(ringing.map((r) => r.result as 'busy' | 'no-answer' | 'failed'));
    return { dialCallStatus: status, dialCallSid: last.dialCallSid, bridged: false, callEnded: false };
  }
  for (const entry of ringing)
    if (entry.attempt.status === 'ringing' && entry !== firstAnswer) settle(rt, entry.attempt, 'canceled');
  const { attempt, plan } = firstAnswer;
  if (attempt.destination.url && whisper) {
    await whisper(attempt, attempt.destination.url, attempt.destination.urlMethod ?? 'POST').catch(() => undefined);
  }
  return talk(rt, signal, attempt, plan.talkSeconds);
}

/** The destination answered: bridged until it hangs up (`talkSeconds`), the far end hangs up, or a redirect. */
async function talk(
  rt: CallRuntime,
  signal: AbortSignal,
  attempt: DialAttempt,
  talkSeconds: number,
): Promise<DialOutcome> {
  attempt.status = 'in-progress';
  attempt.answeredAt = new Date().toISOString();
  note(rt, attempt);
  const answeredAt = rt.simNow();
  rt.bridge(attempt.destination, attempt.dialCallSid);
  if (attempt.destination.sendDigits) attempt.digitsSent = attempt.destination.sendDigits;
  // A conference "answers" (Twilio's status for a dial into one); any other destination "completes".
  const status: DialCallStatus = attempt.destination.kind === 'conference' ? 'answered' : 'completed';
  const done = (callEnded: boolean): DialOutcome => {
    attempt.durationSeconds = Math.max(0, Math.round(rt.simNow() - answeredAt));
    settle(rt, attempt, status);
    return {
      dialCallStatus: status,
      dialCallSid: attempt.dialCallSid,
      durationSeconds: attempt.durationSeconds,
      bridged: true,
      callEnded,
    };
  };
  try {
    await (Number.isFinite(talkSeconds) ? rt.sleep(talkSeconds, signal) : untilAborted(signal));
  } catch (error) {
    if (rt.isOver) return done(true);
    rt.unbridge('instructions replaced');
    done(false);
    throw error;
  }
  rt.unbridge('destination hung up');
  return done(false);
}

function settle(rt: CallRuntime, attempt: DialAttempt, status: DialAttemptStatus): void {
  attempt.status = status;
  attempt.endedAt = new Date().toISOString();
  note(rt, attempt);
}

function note(rt: CallRuntime, attempt: DialAttempt): void {
  rt.note({ type: 'dial', dialCallSid: attempt.dialCallSid, status: attempt.status, destination: attempt.destination });
}
