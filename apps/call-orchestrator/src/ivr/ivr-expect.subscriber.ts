import { MEDIA_CALL_ID_PATTERN, MediaSubjects } from '@callfleet/contracts';
import { NatsConnectionService } from '@callfleet/platform';
import type { Subscription } from '@nats-io/transport-node';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IvrRunner } from './ivr-runner.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What an `expect` step waits for: media-stream's audio classes (speech, music) on our calls. Only
 * class changes are read (a few per call), and only an expecting leg is moved; the live-human
 * decision is hunt-handoff's, not this.
 */
@Injectable()
export class IvrExpectSubscriber implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IvrExpect');
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly runner: IvrRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.subscribe(MediaSubjects.SIGNALS_ALL, {
      callback: (error, msg) => {
        if (error) return;
        const signal = parseClassSignal(msg.data);
        if (!signal) return;
        this.runner.heard(signal.callId, signal.kind, signal.atMs).catch((e: unknown) => {
          this.logger.warn(`expect on ${signal.callId}: ${String(e)}`);
        });
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}

/** A speech/music class change on one of our calls (our ids are UUIDs), or undefined. */
export function parseClassSignal(
  data: Uint8Array,
): { callId: string; kind: 'speech' | 'music'; atMs: number } | undefined {
  let signal: unknown;
  try {
    signal = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof signal !== 'object' || signal === null) return undefined;
  const { callId, kind, atMs } = signal as Record<string, unknown>;
  if (kind !== 'speech' && kind !== 'music') return undefined;
  if (typeof callId !== 'string' || !MEDIA_CALL_ID_PATTERN.test(callId) || !UUID.test(callId)) return undefined;
  return { callId, kind, atMs: typeof atMs === 'number' ? atMs : 0 };
}
