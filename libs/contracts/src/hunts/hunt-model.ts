/**
 * The words of the hunt model, shared by call-orchestrator (which owns the rows), the gateway (which
 * shows them) and other teams (who read the events). The DTOs of each feature live beside this file.
 */

/** A hunt as a whole. `running` until a leg wins; `transferring` while the winner is handed off. */
export const HUNT_STATUSES = ['running', 'transferring', 'connected', 'failed', 'exhausted', 'cancelled'] as const;
export type HuntStatus = (typeof HUNT_STATUSES)[number];
/** Statuses after which nothing more happens to a hunt. */
export const FINAL_HUNT_STATUSES: ReadonlySet<HuntStatus> = new Set(['connected', 'failed', 'exhausted', 'cancelled']);

/**
 * One outbound call attempt on one line. Forward only:
 * `dialing → ringing → ivr → holding → human → transferring → connected`, or `ended` / `failed`
 * (with a reason) from any state before them.
 */
export const LEG_STATUSES = [
  'dialing',
  'ringing',
  'ivr',
  'holding',
  'human',
  'transferring',
  'connected',
  'ended',
  'failed',
] as const;
export type LegStatus = (typeof LEG_STATUSES)[number];
export const FINAL_LEG_STATUSES: ReadonlySet<LegStatus> = new Set(['connected', 'ended', 'failed']);

/** Why a leg ended or failed (its `endReason`). */
export const LEG_END_REASONS = [
  'busy',
  'no-answer',
  'failed',
  'too-busy',
  'voicemail',
  'far-end-hung-up',
  'lost-race',
  'cancelled',
  'exhausted',
  'dial-failed',
  'destination-unavailable',
  'completed',
] as const;
export type LegEndReason = (typeof LEG_END_REASONS)[number];

/** Where a won call goes. A queue is a phone destination with its extension digits. */
export const DESTINATION_KINDS = ['phone', 'sip'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
export type DestinationSpec = { kind: 'phone'; number: string; sendDigits?: string } | { kind: 'sip'; uri: string };

/** DTMF a script may send: digits, `*`, `#`, and `w` (half a second's wait). Never anything else. */
export const IVR_DIGITS_PATTERN = /^[0-9*#w]{1,64}$/;

/** One step of an IVR script, run in order on every answered leg. */
export type IvrStep =
  | { action: 'digits'; digits: string; afterMs: number; jitterMs?: number }
  | { action: 'wait'; ms: number; jitterMs?: number }
  | { action: 'expect'; kind: 'speech' | 'music'; timeoutMs: number };

/** What heard or said something about a leg, in its event history. */
export const LEG_EVENT_SOURCES = ['provider', 'media', 'manual', 'engine'] as const;
export type LegEventSource = (typeof LEG_EVENT_SOURCES)[number];
