import { randomUUID } from 'node:crypto';
import { KvBuckets } from '@callfleet/contracts';
import { HealthRegistry, KvStoreService } from '@callfleet/platform';
import type { KV } from '@nats-io/kv';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MediaSession } from '../media-sessions/media-session';
import { MediaSessionRegistry } from '../media-sessions/media-session.registry';

/** An entry lives this long unless refreshed: a replica that dies leaves its calls for at most this. */
export const MEDIA_SESSIONS_TTL_MS = 60_000;
const REFRESH_INTERVAL_MS = 20_000;

/** What the `media-sessions` bucket says of a call (key: the call id). */
export interface HeldCall {
  orgId: string;
  /** The replica (process) holding the stream. */
  replicaId: string;
  sessionId: string;
}

/**
 * Which replica holds each call's stream, shared in the `media-sessions` bucket: written when a
 * session starts, refreshed while it lives, deleted when it ends. Any replica answers for any call
 * (media.v1.listen) by reading it; the org in it is the stream token's.
 */
@Injectable()
export class CallDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CallDirectory');
  readonly replicaId = randomUUID();
  private readonly held = new Map<string, MediaSession>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    private readonly kv: KvStoreService,
    private readonly registry: MediaSessionRegistry,
    health: HealthRegistry,
  ) {
    health.register({ name: 'nats-kv', check: async () => void (await (await this.bucket()).status()) });
  }

  bucket(): Promise<KV> {
    return this.kv.bucket(KvBuckets.MEDIA_SESSIONS, { ttlMs: MEDIA_SESSIONS_TTL_MS });
  }

  onModuleInit(): void {
    this.registry.onSessionStarted((session) => this.started(session));
    this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.refreshTimer);
    await Promise.all([...this.held.values()].map((session) => this.forget(session)));
  }

  /** The call's holder, or null when no replica holds a stream of it. */
  async lookup(callId: string): Promise<HeldCall | null> {
    const entry = await (await this.bucket()).get(callId);
    return entry?.operation === 'PUT' ? entry.json<HeldCall>() : null;
  }

  private started(session: MediaSession): void {
    this.held.set(session.info.callId, session);
    session.subscribe({ ended: () => void this.forget(session) });
    void this.write(session);
  }

  private entryOf(session: MediaSession): HeldCall {
    return { orgId: session.info.orgId, replicaId: this.replicaId, sessionId: session.info.sessionId };
  }

  private async write(session: MediaSession): Promise<void> {
    try {
      await (await this.bucket()).put(session.info.callId, JSON.stringify(this.entryOf(session)));
    } catch (error) {
      this.logger.warn(`call ${session.info.callId} not published as held: ${String(error)}`);
    }
  }

  private async refresh(): Promise<void> {
    for (const session of this.held.values()) await this.write(session);
  }

  /** Deletes the call's entry only if it is still this session's (a newer stream may hold it now). */
  private async forget(session: MediaSession): Promise<void> {
    const { callId, sessionId } = session.info;
    if (this.held.get(callId) === session) this.held.delete(callId);
    try {
      const kv = await this.bucket();
      const entry = await kv.get(callId);
      if (entry?.operation === 'PUT' && entry.json<HeldCall>().sessionId === sessionId)
        await kv.delete(callId, { previousSeq: entry.revision });
    } catch (error) {
      this.logger.warn(`call ${callId} not removed from the directory (it expires): ${String(error)}`);
    }
  }
}
