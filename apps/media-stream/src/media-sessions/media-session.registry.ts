import { Injectable } from '@nestjs/common';
import type { MediaSession } from './media-session';

/**
 * The streams this replica holds, by call id. The WebSocket door adds a session after `start` and
 * removes it when it ends; the features that analyse, publish or play audio learn of it here.
 */
@Injectable()
export class MediaSessionRegistry {
  private readonly byCallId = new Map<string, MediaSession>();
  private readonly startListeners: ((session: MediaSession) => void)[] = [];

  /** Calls `listener` for every session that starts from now on (subscribe to its frames there). */
  onSessionStarted(listener: (session: MediaSession) => void): void {
    this.startListeners.push(listener);
  }

  get(callId: string): MediaSession | undefined {
    return this.byCallId.get(callId);
  }

  get size(): number {
    return this.byCallId.size;
  }

  sessions(): IterableIterator<MediaSession> {
    return this.byCallId.values();
  }

  /** The door calls this once `start` is accepted; a second stream for the same call replaces the first (its caller ends the old one). */
  add(session: MediaSession): void {
    this.byCallId.set(session.info.callId, session);
    for (const listener of this.startListeners) listener(session);
  }

  /** The door calls this after the session's `ended`; a replaced session does not remove its successor. */
  remove(session: MediaSession): void {
    if (this.byCallId.get(session.info.callId) === session) this.byCallId.delete(session.info.callId);
  }
}
