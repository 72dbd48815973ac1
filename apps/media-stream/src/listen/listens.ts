import { KvBuckets, MEDIA_LISTEN_MAX_SECONDS } from '@callfleet/contracts';
import { KvStoreService } from '@callfleet/platform';
import type { KV } from '@nats-io/kv';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { KvWatch } from '../shared/kv-watch';

/** Entries outlive the longest listen a little; a listen's end is its `untilMs`, not the TTL. */
export const MEDIA_LISTENS_TTL_MS = (MEDIA_LISTEN_MAX_SECONDS + 60) * 1000;

const PRUNE_EVERY_WRITES = 500;

/** What the `media-listens` bucket says of a call (key: the call id). */
export interface ListenEntry {
  orgId: string;
  /** Unix ms: audio flows until then. */
  untilMs: number;
}

/**
 * Which calls someone listens to, and until when, shared in the `media-listens` bucket: any replica
 * takes the request, every replica watches, and the one holding the call's stream publishes its audio.
 */
@Injectable()
export class Listens implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Listens');
  private readonly untilByCall = new Map<string, number>();
  private readonly watch: KvWatch;
  private writesSincePrune = 0;

  constructor(private readonly kv: KvStoreService) {
    this.watch = new KvWatch(
      () => this.bucket(),
      (entry) => {
        if (entry.operation !== 'PUT') this.untilByCall.delete(entry.key);
        else this.untilByCall.set(entry.key, entry.json<ListenEntry>().untilMs);
        this.pruneNowAndThen();
      },
      this.logger,
    );
  }

  bucket(): Promise<KV> {
    return this.kv.bucket(KvBuckets.MEDIA_LISTENS, { ttlMs: MEDIA_LISTENS_TTL_MS });
  }

  onApplicationBootstrap(): void {
    this.watch.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watch.stop();
  }

  /** Listens of calls held elsewhere are never checked here: they go once they have run out. */
  private pruneNowAndThen(): void {
    if (++this.writesSincePrune < PRUNE_EVERY_WRITES) return;
    this.writesSincePrune = 0;
    const now = Date.now();
    for (const [callId, until] of this.untilByCall) if (until <= now) this.untilByCall.delete(callId);
  }

  /** Whether the call's audio should flow now (checked per frame: most calls are not listened to, and cost one lookup). */
  isListened(callId: string, nowMs: () => number): boolean {
    const until = this.untilByCall.get(callId);
    if (until === undefined) return false;
    if (until > nowMs()) return true;
    this.untilByCall.delete(callId);
    return false;
  }

  /** Records a listen until `untilMs`, or later if one already runs longer; returns the end in force. */
  async listen(callId: string, orgId: string, untilMs: number): Promise<number> {
    const kv = await this.bucket();
    const current = await kv.get(callId);
    const running = current?.operation === 'PUT' ? current.json<ListenEntry>() : null;
    const until = running && running.orgId === orgId ? Math.max(running.untilMs, untilMs) : untilMs;
    await kv.put(callId, JSON.stringify({ orgId, untilMs: until } satisfies ListenEntry));
    this.untilByCall.set(callId, until);
    return until;
  }
}
