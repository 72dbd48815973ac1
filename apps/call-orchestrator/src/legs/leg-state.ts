import { FINAL_LEG_STATUSES, LEG_STATUSES, type LegStatus } from '@callfleet/contracts';

/** The forward order of a leg's live states (`ended` / `failed` are reachable from any of them). */
const RANK: Readonly<Record<LegStatus, number>> = {
  dialing: 0,
  ringing: 1,
  ivr: 2,
  holding: 3,
  human: 4,
  transferring: 5,
  connected: 6,
  ended: 7,
  failed: 7,
};

/**
 * Whether a leg may move from `from` to `to`. Forward only: `dialing → ringing → ivr → holding →
 * human → transferring → connected` (a step may be skipped: a lost `ringing` callback, an empty IVR
 * script, a person answering at once), or `ended` / `failed` from any state before them. Nothing
 * leaves a final state, nothing moves back, and a move to the same state is no move (repeated events
 * are no-ops). Only a human leg is handed off, and only a hand-off connects.
 */
export function canMoveLeg(from: LegStatus, to: LegStatus): boolean {
  if (FINAL_LEG_STATUSES.has(from) || from === to) return false;
  if (to === 'ended' || to === 'failed') return true;
  if (to === 'transferring') return from === 'human';
  if (to === 'connected') return from === 'transferring';
  return RANK[to] > RANK[from] && RANK[from] < RANK.human;
}

/** Every state a leg may be in for a move to `to` (the guard of the conditional UPDATE). */
export function legStatusesBefore(to: LegStatus): LegStatus[] {
  return LEG_STATUSES.filter((from) => canMoveLeg(from, to));
}

/** A leg still on a call (or about to be): not ended, failed nor connected. */
export function isLiveLeg(status: LegStatus): boolean {
  return !FINAL_LEG_STATUSES.has(status);
}
