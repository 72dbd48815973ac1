import type { DetectionDecider, HuntStatus, IvrStep, LegStatus } from '@callfleet/contracts';

/**
 * Providers give AMD's `human` no confidence; this one is compared with the hunt's `minConfidence`
 * like media-stream's, so a hunt asking for more than this ignores AMD.
 */
export const AMD_HUMAN_CONFIDENCE = 0.85;

/** One signal that a leg may have a person on it. */
export interface HumanSignal {
  decidedBy: Exclude<DetectionDecider, 'call-state'>;
  /** 0 to 1; a manual confirmation is 1. */
  confidence: number;
}

/** What the signal is judged against: the hunt, its rule, and the leg as it is now. */
export interface HumanDecisionContext {
  huntStatus: HuntStatus;
  /** The hunt's winner, if it has one. */
  winnerLegId: string | null;
  legId: string;
  legStatus: LegStatus;
  /** The leg's call is placed and not over at the provider. */
  callLive: boolean;
  mode: 'auto' | 'confirm';
  minConfidence: number;
  script: readonly IvrStep[];
  /** The leg's next IVR step (0-based). */
  ivrStep: number;
}

export type IgnoredWhy =
  | 'already-won'
  | 'hunt-not-running'
  | 'leg-not-live'
  | 'not-answered-directly'
  | 'menu-not-done'
  | 'below-confidence';

/**
 * `claim`: try to win the hunt with this leg; `alert`: tell the user and wait for a confirmation
 * (confirm mode); `lost`: another leg won first; `ignore`: the signal decides nothing (kept in the
 * leg's history all the same).
 */
export type HumanDecision = { act: 'claim' } | { act: 'alert' } | { act: 'lost' } | { act: 'ignore'; why: IgnoredWhy };

/** Live states a leg can be judged from, by what judged it. */
function eligible(signal: HumanSignal, context: HumanDecisionContext): IgnoredWhy | null {
  const { legStatus } = context;
  switch (signal.decidedBy) {
    // Someone listened: any answered leg, in the menu or on hold.
    case 'manual':
      return legStatus === 'ivr' || legStatus === 'holding' ? null : 'leg-not-live';
    // A target with a menu answers with a machine, so AMD's `human` means something only for a target
    // that answers directly (an empty script); its callback may beat the answered status, hence ringing.
    case 'amd':
      if (context.script.length > 0) return 'not-answered-directly';
      return ['dialing', 'ringing', 'holding'].includes(legStatus) ? null : 'leg-not-live';
    // On hold; in the menu only once no digits are left to press (the menu may put a person on early).
    case 'media':
      if (legStatus === 'holding') return null;
      if (legStatus !== 'ivr') return 'leg-not-live';
      return context.script.slice(context.ivrStep).some((s) => s.action === 'digits') ? 'menu-not-done' : null;
  }
}

/**
 * The rule that turns one signal into a decision. A hunt that is not running decides nothing more
 * (`lost` when another leg won it); only a live call on an eligible leg counts; a manual confirmation
 * always decides, whatever the mode and confidence; media and AMD need the hunt's `minConfidence`,
 * and in `confirm` mode they only alert.
 */
export function decideHuman(signal: HumanSignal, context: HumanDecisionContext): HumanDecision {
  if (context.winnerLegId === context.legId) return { act: 'ignore', why: 'already-won' };
  if (context.winnerLegId !== null) return { act: 'lost' };
  if (context.huntStatus !== 'running') return { act: 'ignore', why: 'hunt-not-running' };
  if (!context.callLive) return { act: 'ignore', why: 'leg-not-live' };
  const why = eligible(signal, context);
  if (why) return { act: 'ignore', why };
  if (signal.decidedBy === 'manual') return { act: 'claim' };
  if (signal.confidence < context.minConfidence) return { act: 'ignore', why: 'below-confidence' };
  return context.mode === 'confirm' ? { act: 'alert' } : { act: 'claim' };
}
