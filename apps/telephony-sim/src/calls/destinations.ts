import type { DialTarget } from '../twiml/twiml';

/**
 * What the other side of a `<Dial>` does (the queue or person a won call is handed to). Like the far
 * end's scenarios, the dialed destination picks it: a number by its last four digits, a SIP URI by the
 * digits of its user part. The suffixes are 1100-1199, apart from the far-end table (0001-0010, 0429,
 * 0500, 0503, 0504), so one number never means both.
 */
export type DestinationScenarioName =
  | 'answers'
  | 'busy'
  | 'no-answer'
  | 'failed'
  | 'answers-then-hangs-up'
  | 'no-answer-then-answers'
  | 'busy-then-answers';

export const DESTINATION_SCENARIO_BY_SUFFIX: Readonly<Record<string, DestinationScenarioName>> = {
  '1100': 'answers',
  '1101': 'busy',
  '1102': 'no-answer',
  '1103': 'failed',
  '1104': 'answers-then-hangs-up',
};

/** `111K`: no answer on the first K dials of the number (per account), then it answers; `112K` the same with busy. */
const FIRST_K_SCENARIOS: Readonly<Record<string, DestinationScenarioName>> = {
  '111': 'no-answer-then-answers',
  '112': 'busy-then-answers',
};

/** Simulated seconds of ringing before a destination answers, is busy, or fails. */
export const DESTINATION_ANSWER_SECONDS = 3;
export const DESTINATION_BUSY_SECONDS = 2;
export const DESTINATION_FAILED_SECONDS = 1;
/** How long `answers-then-hangs-up` talks before it hangs up (the far end stays, the TwiML goes on). */
export const DESTINATION_SHORT_TALK_SECONDS = 10;

/** What one dial of a destination will do, in simulated seconds from the start of the dial. */
export interface DestinationPlan {
  scenario: DestinationScenarioName;
  outcome: 'answer' | 'busy' | 'no-answer' | 'failed';
  /** Ringing before the outcome (answer, busy, failed); `no-answer` rings until the `<Dial timeout>`. */
  ringSeconds: number;
  /** The destination hangs up after this much talk; Infinity = it stays until the far end hangs up. */
  talkSeconds: number;
}

/** The digits that pick a destination's scenario: a number's, or a SIP URI's user part's. */
export function destinationDigits(target: DialTarget): string {
  if (target.kind === 'sip') {
    const user = /^sips?:([^@;?]*)/i.exec(target.value.trim())?.[1] ?? '';
    return user.replace(/\D/g, '');
  }
  return target.value.replace(/\D/g, '');
}

/** The key dials of one destination are counted under (per account): its kind and number or URI. */
export function destinationKey(target: DialTarget): string {
  const digits = destinationDigits(target);
  return `${target.kind}|${target.kind === 'number' && digits ? digits : target.value.trim().toLowerCase()}`;
}

export function destinationScenario(target: DialTarget): { scenario: DestinationScenarioName; firstK: number } {
  // Queues, clients and conferences answer at once, as they did before destinations had scenarios.
  if (target.kind !== 'number' && target.kind !== 'sip') return { scenario: 'answers', firstK: 0 };
  const suffix = destinationDigits(target).slice(-4);
  const fixed = DESTINATION_SCENARIO_BY_SUFFIX[suffix];
  if (fixed) return { scenario: fixed, firstK: 0 };
  const firstK = FIRST_K_SCENARIOS[suffix.slice(0, 3)];
  if (firstK && suffix.length === 4) return { scenario: firstK, firstK: Number(suffix[3]) };
  return { scenario: 'answers', firstK: 0 };
}

/** The plan of the `priorDials`-th dial (0 = first) of a destination. */
export function planDestination(target: DialTarget, priorDials: number): DestinationPlan {
  const { scenario, firstK } = destinationScenario(target);
  const immediate = target.kind !== 'number' && target.kind !== 'sip';
  const answer: DestinationPlan = {
    scenario,
    outcome: 'answer',
    ringSeconds: immediate ? 0 : DESTINATION_ANSWER_SECONDS,
    talkSeconds: Number.POSITIVE_INFINITY,
  };
  switch (scenario) {
    case 'busy':
      return { ...answer, outcome: 'busy', ringSeconds: DESTINATION_BUSY_SECONDS };
    case 'no-answer':
      return { ...answer, outcome: 'no-answer', ringSeconds: Number.POSITIVE_INFINITY };
    case 'failed':
      return { ...answer, outcome: 'failed', ringSeconds: DESTINATION_FAILED_SECONDS };
    case 'answers-then-hangs-up':
      return { ...answer, talkSeconds: DESTINATION_SHORT_TALK_SECONDS };
    case 'no-answer-then-answers':
      return priorDials < firstK ? { ...answer, outcome: 'no-answer', ringSeconds: Number.POSITIVE_INFINITY } : answer;
    case 'busy-then-answers':
      return priorDials < firstK ? { ...answer, outcome: 'busy', ringSeconds: DESTINATION_BUSY_SECONDS } : answer;
    default:
      return answer;
  }
}

/** Twilio's `DialCallStatus` values. */
export type DialCallStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

/**
 * The status of a dial none of whose destinations answered: no-answer wins over busy over failed
 * (a ringing destination that nobody picked up is the most telling), as a simultaneous dial reports one.
 */
export function unansweredDialStatus(outcomes: readonly ('busy' | 'no-answer' | 'failed')[]): DialCallStatus {
  if (outcomes.includes('no-answer')) return 'no-answer';
  if (outcomes.includes('busy')) return 'busy';
  return 'failed';
}
