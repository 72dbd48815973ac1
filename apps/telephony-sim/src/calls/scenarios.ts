import { SeededRandom } from './seeded-random';

/**
 * What the far end of a simulated call does. The dialed number picks it (README has the table); any
 * other number gets a seeded pick, so a run with the same seed and the same calls repeats exactly.
 */
export type ScenarioName =
  | 'ivr-hold-agent'
  | 'human'
  | 'busy'
  | 'no-answer'
  | 'too-busy'
  | 'voicemail'
  | 'hold-forever'
  | 'agent-after-announcement'
  | 'failed'
  | 'api-error'
  | 'api-rate-limited'
  | 'api-flaky'
  | 'api-slow';

/** Numbers ending in these four digits always play the same scenario (`0010`, the hunting line, picks per call). */
export const SCENARIO_BY_SUFFIX: Readonly<Record<string, ScenarioName>> = {
  '0001': 'ivr-hold-agent',
  '0002': 'human',
  '0003': 'busy',
  '0004': 'no-answer',
  '0005': 'too-busy',
  '0006': 'voicemail',
  '0007': 'failed',
  '0008': 'hold-forever',
  '0009': 'agent-after-announcement',
  '0500': 'api-error',
  '0429': 'api-rate-limited',
  '0503': 'api-flaky',
  '0504': 'api-slow',
};

/** The hunting line: each call to a number ending in this gets its own seeded outcome from HUNTING_POOL. */
export const HUNTING_SUFFIX = '0010';

/**
 * The hunting line's outcomes: mostly the IVR, a long hold, then a person (what a hunt waits for), and
 * every reason a hunt redials (busy, too busy, voicemail, no answer).
 */
export const HUNTING_POOL: readonly [ScenarioName, number][] = [
  ['ivr-hold-agent', 60],
  ['busy', 10],
  ['too-busy', 10],
  ['voicemail', 10],
  ['no-answer', 10],
];

/** How a call's scenario was chosen. */
export type ScenarioSource = 'number' | 'hunting' | 'seeded';

/** The seeded pick for every other number: mostly the hold line a hunt is for. */
const WEIGHTED_POOL: readonly [ScenarioName, number][] = [
  ['ivr-hold-agent', 50],
  ['human', 10],
  ['busy', 10],
  ['no-answer', 10],
  ['too-busy', 10],
  ['voicemail', 10],
];

/** Scenarios where a person comes on the line (every other one only ever plays recordings, or nothing). */
export const SCENARIOS_WITH_LIVE_HUMAN: ReadonlySet<ScenarioName> = new Set([
  'ivr-hold-agent',
  'human',
  'agent-after-announcement',
]);

/** Scenarios that fail the provider's API request itself; the call is never placed (or placed late). */
export const API_SCENARIOS: ReadonlySet<ScenarioName> = new Set([
  'api-error',
  'api-rate-limited',
  'api-flaky',
  'api-slow',
]);

/**
 * The scenario for a dialed number. `attempt` counts earlier calls to the same number on the account,
 * so redialing a line that was busy can get a different outcome, yet the whole run repeats.
 */
export function selectScenario(dialedNumber: string, seed: string, attempt: number): ScenarioName {
  return pickScenario(dialedNumber, seed, attempt).scenario;
}

/** The scenario for a dialed number and how it was chosen (see selectScenario). */
export function pickScenario(
  dialedNumber: string,
  seed: string,
  attempt: number,
): { scenario: ScenarioName; source: ScenarioSource } {
  const digits = dialedNumber.replace(/\D/g, '');
  const suffix = digits.slice(-4);
  const fixed = SCENARIO_BY_SUFFIX[suffix];
  if (fixed) return { scenario: fixed, source: 'number' };
  if (suffix === HUNTING_SUFFIX) {
    return {
      scenario: weightedPick(HUNTING_POOL, new SeededRandom(seed, digits, attempt, 'hunting')),
      source: 'hunting',
    };
  }
  return {
    scenario: weightedPick(WEIGHTED_POOL, new SeededRandom(seed, digits, attempt, 'scenario')),
    source: 'seeded',
  };
}

function weightedPick(pool: readonly [ScenarioName, number][], random: SeededRandom): ScenarioName {
  const total = pool.reduce((sum, [, weight]) => sum + weight, 0);
  let ticket = random.next() * total;
  for (const [name, weight] of pool) {
    ticket -= weight;
    if (ticket < 0) return name;
  }
  return pool[0][0];
}

/** Timings of one call, in simulated seconds, drawn from the seed. */
export interface ScenarioPlan {
  scenario: ScenarioName;
  /** From initiated to ringing. */
  ringDelaySeconds: number;
  /** From ringing to answer (or to busy / failed for scenarios that never answer). */
  answerAfterSeconds: number;
  /** Hold music before the live speaker (IVR scenario). */
  holdSeconds: number;
  /** How long a live speaker waits on a call nobody transfers, before hanging up. */
  agentPatienceSeconds: number;
  /** How long a bridged (transferred) conversation lasts before the far end hangs up. */
  bridgedSeconds: number;
  /** How long answering-machine detection takes. */
  machineDetectionSeconds: number;
  /**
   * How long a person told they are being connected waits (through the destination's ringing, hold
   * messages and redials) before hanging up, counted from our first `<Dial>`.
   */
  transferPatienceSeconds: number;
}

export interface PlanSettings {
  holdSeconds: { min: number; max: number };
}

export function planScenario(
  scenario: ScenarioName,
  seed: string,
  dialedNumber: string,
  attempt: number,
  settings: PlanSettings,
): ScenarioPlan {
  const random = new SeededRandom(seed, dialedNumber, attempt, 'plan');
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    scenario,
    ringDelaySeconds: round(random.between(0.5, 1.5)),
    answerAfterSeconds: round(random.between(2, 8)),
    holdSeconds: Math.round(random.between(settings.holdSeconds.min, settings.holdSeconds.max)),
    agentPatienceSeconds: Math.round(random.between(45, 90)),
    bridgedSeconds: Math.round(random.between(30, 120)),
    machineDetectionSeconds: round(random.between(2, 4)),
    // Drawn last, so every earlier timing of a seed stays what it was.
    transferPatienceSeconds: Math.round(random.between(300, 600)),
  };
}
