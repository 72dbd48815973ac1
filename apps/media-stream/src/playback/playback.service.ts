import { MediaSubjects } from '@callfleet/contracts';
import { MetricsService, NatsConnectionService } from '@callfleet/platform';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MediaSessionRegistry } from '../media-sessions/media-session.registry';
import { parsePlayMessage } from './play-message';

/**
 * Plays what is sent on `media.v1.play.<callId>` into the call. Every replica subscribes (no queue
 * group): only the one holding the call's stream has something to play it into; the others ignore it.
 */
@Injectable()
export class PlaybackService implements OnModuleInit, OnApplicationShutdown {
  private subscription?: Subscription;
  private readonly messages: Counter<'outcome'>;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly registry: MediaSessionRegistry,
    metrics: MetricsService,
  ) {
    this.messages = metrics.counter(
      'callfleet_media_play_messages_total',
      'media.v1.play.<callId> messages for a call this replica holds, by outcome (played, cleared, marked, not-bidirectional, or why dropped)',
      ['outcome'],
    );
  }

  onModuleInit(): void {
    this.subscription = this.nats.subscribe(MediaSubjects.PLAY_ALL, {
      callback: (error, msg) => {
        if (!error) this.handle(msg);
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private handle(msg: Msg): void {
    const callId = this.nats.ns.strip(msg.subject).split('.')[3];
    const session = callId ? this.registry.get(callId) : undefined;
    if (!session) return;
    const instruction = parsePlayMessage((name) => msg.headers?.get(name) || undefined, msg.data);
    let accepted: boolean;
    switch (instruction.kind) {
      case 'invalid':
        this.messages.inc({ outcome: instruction.reason });
        return;
      case 'clear':
        accepted = session.clear();
        break;
      case 'mark':
        accepted = session.mark(instruction.name);
        break;
      case 'play':
        accepted = session.play(instruction.pcm);
        break;
    }
    const done = { play: 'played', clear: 'cleared', mark: 'marked' }[instruction.kind];
    // A bidirectional session refuses only a mark, when its play queue is full (a flood of marks).
    this.messages.inc({
      outcome: accepted ? done : session.info.bidirectional ? 'play-queue-full' : 'not-bidirectional',
    });
  }
}
