import type { MediaSessionEndReason } from './media-session';

/**
 * A media WebSocket's life, as a pure function of what happens to it:
 *
 *   awaiting-start ──start──▶ verifying ──token ok──▶ streaming ──stop/close/idle/…──▶ ended
 *         │                      │
 *         └──── timeout, stop ───┴──── token refused, limit ────────────────────────▶ ended
 *
 * Only `streaming` has a MediaSession (registered, audio delivered); a stream that ends before it
 * never had one, so no listener hears of it. Media, events and `stop` that arrive while the token is
 * being verified are held (bounded) and handled once it is accepted, or discarded with the stream.
 */
export type MediaStreamState = 'awaiting-start' | 'verifying' | 'streaming' | 'ended';

/** WebSocket close codes of the door (RFC 6455 §7.4, and 4000–4999 ours); documented in the README. */
export const MediaStreamCloseCode = {
  /** The provider sent `stop`. */
  NORMAL: 1000,
  /** The service is shutting down; the provider may reconnect to another replica. */
  GOING_AWAY: 1001,
  /** The `start` names a format we do not decode. */
  UNSUPPORTED_DATA: 1003,
  /** Too many frames we could not use: the sender does not speak the protocol. */
  INVALID_FRAMES: 1007,
  /** No valid stream token (missing, expired, forged, for another provider), or no `start` in time. */
  POLICY_VIOLATION: 1008,
  /** A message over the size limit (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** Too many streams on this replica, or for the organization. */
  TRY_AGAIN_LATER: 1013,
  /** Nothing arrived for the idle timeout. */
  IDLE_TIMEOUT: 4000,
  /** A newer stream for the same call took over. */
  REPLACED: 4001,
} as const;

export interface CloseInstruction {
  code: number;
  reason: string;
}

export type MediaStreamInput =
  | { type: 'start' }
  | { type: 'token-accepted' }
  | { type: 'token-refused' }
  | { type: 'over-limit' }
  /** The token could not be checked at all (auth's keys never fetched): not the token's fault. */
  | { type: 'token-unverifiable' }
  | { type: 'unsupported-format' }
  | { type: 'media' }
  | { type: 'event' }
  | { type: 'stop' }
  | { type: 'socket-closed' }
  | { type: 'start-timeout' }
  | { type: 'idle-timeout' }
  | { type: 'too-many-bad-frames' }
  | { type: 'replaced' }
  | { type: 'shutdown' }
  | { type: 'internal-error' };

export type MediaStreamAction =
  /** Verify the token `start` (or the URL) carried. */
  | { kind: 'verify' }
  /** Register the session: audio flows to listeners from now on. */
  | { kind: 'open' }
  /** Decode and queue it for the listeners. */
  | { kind: 'deliver' }
  /** Keep it until the token is verified. */
  | { kind: 'hold' }
  | { kind: 'drop'; reason: 'before-start' | 'duplicate-start' | 'after-end' }
  /**
   * Close the socket (unless it already is) and, if a session was open (`reason` set), end it: listeners
   * get `ended(reason)` after what is queued.
   */
  | { kind: 'end'; reason?: MediaSessionEndReason; close?: CloseInstruction }
  | { kind: 'none' };

export interface MediaStreamTransition {
  state: MediaStreamState;
  action: MediaStreamAction;
}

const stay = (state: MediaStreamState, action: MediaStreamAction): MediaStreamTransition => ({ state, action });

const ENDINGS: Readonly<
  Record<
    Extract<
      MediaStreamInput['type'],
      'stop' | 'socket-closed' | 'idle-timeout' | 'too-many-bad-frames' | 'replaced' | 'shutdown' | 'internal-error'
    >,
    { reason: MediaSessionEndReason; close?: CloseInstruction }
  >
> = {
  stop: { reason: 'stop', close: { code: MediaStreamCloseCode.NORMAL, reason: 'stream stopped' } },
  'socket-closed': { reason: 'closed' },
  'idle-timeout': {
    reason: 'idle-timeout',
    close: { code: MediaStreamCloseCode.IDLE_TIMEOUT, reason: 'idle timeout' },
  },
  'too-many-bad-frames': {
    reason: 'error',
    close: { code: MediaStreamCloseCode.INVALID_FRAMES, reason: 'too many malformed frames' },
  },
  replaced: {
    reason: 'replaced',
    close: { code: MediaStreamCloseCode.REPLACED, reason: 'replaced by a newer stream' },
  },
  shutdown: { reason: 'shutdown', close: { code: MediaStreamCloseCode.GOING_AWAY, reason: 'shutting down' } },
  'internal-error': { reason: 'error', close: { code: MediaStreamCloseCode.INTERNAL_ERROR, reason: 'internal error' } },
};

const REFUSALS: Readonly<Partial<Record<MediaStreamInput['type'], CloseInstruction>>> = {
  'token-refused': { code: MediaStreamCloseCode.POLICY_VIOLATION, reason: 'invalid stream token' },
  'start-timeout': { code: MediaStreamCloseCode.POLICY_VIOLATION, reason: 'no start with a stream token in time' },
  'over-limit': { code: MediaStreamCloseCode.TRY_AGAIN_LATER, reason: 'too many streams, try again later' },
  'token-unverifiable': {
    code: MediaStreamCloseCode.TRY_AGAIN_LATER,
    reason: 'stream token cannot be checked now, try again later',
  },
  'unsupported-format': { code: MediaStreamCloseCode.UNSUPPORTED_DATA, reason: 'unsupported media format' },
};

/** The next state of a media WebSocket and what the door does about the input. */
export function nextMediaStreamState(state: MediaStreamState, input: MediaStreamInput): MediaStreamTransition {
  if (state === 'ended') {
    return stay(
      'ended',
      input.type === 'media' || input.type === 'event' ? { kind: 'drop', reason: 'after-end' } : { kind: 'none' },
    );
  }
  const type = input.type;
  if (state === 'streaming') {
    switch (type) {
      case 'media':
      case 'event':
        return stay('streaming', { kind: 'deliver' });
      case 'start':
        return stay('streaming', { kind: 'drop', reason: 'duplicate-start' });
      case 'token-accepted':
      case 'token-refused':
      case 'over-limit':
      case 'token-unverifiable':
      case 'unsupported-format':
      case 'start-timeout':
        // Belongs to an earlier phase: cannot happen once streaming.
        return stay('streaming', { kind: 'none' });
      default:
        return { state: 'ended', action: { kind: 'end', ...ENDINGS[type] } };
    }
  }
  // awaiting-start and verifying: no session exists yet, so ending one closes only the socket.
  switch (type) {
    case 'start':
      return state === 'awaiting-start'
        ? { state: 'verifying', action: { kind: 'verify' } }
        : stay(state, { kind: 'drop', reason: 'duplicate-start' });
    case 'media':
      return stay(state, state === 'verifying' ? { kind: 'hold' } : { kind: 'drop', reason: 'before-start' });
    case 'event':
      return stay(state, state === 'verifying' ? { kind: 'hold' } : { kind: 'drop', reason: 'before-start' });
    case 'token-accepted':
      return state === 'verifying' ? { state: 'streaming', action: { kind: 'open' } } : stay(state, { kind: 'none' });
    case 'start-timeout':
      return state === 'awaiting-start'
        ? { state: 'ended', action: { kind: 'end', close: REFUSALS[type] } }
        : stay(state, { kind: 'none' });
    case 'token-refused':
    case 'token-unverifiable':
    case 'over-limit':
    case 'unsupported-format':
      return { state: 'ended', action: { kind: 'end', close: REFUSALS[type] } };
    case 'stop':
      // A short stream's `stop` may come before its token is verified: it ends the session once open.
      return state === 'verifying'
        ? stay(state, { kind: 'hold' })
        : { state: 'ended', action: { kind: 'end', close: ENDINGS.stop.close } };
    case 'socket-closed':
      return { state: 'ended', action: { kind: 'end' } };
    default:
      return { state: 'ended', action: { kind: 'end', close: ENDINGS[type].close } };
  }
}
