import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LineMemoryStore } from '../line-memory/line-memory.store';
import type { MediaSession } from '../media-sessions/media-session';
import { MediaSessionRegistry } from '../media-sessions/media-session.registry';
import { DetectionMetrics } from './detection.metrics';
import { LiveHumanPublisher } from './live-human.publisher';
import { SessionDetection } from './session-detection';
import { SignalPublisher } from './signal.publisher';

/** Runs a live-human detector on every stream this replica holds, from its first frame to its end. */
@Injectable()
export class DetectionService implements OnModuleInit {
  constructor(
    private readonly registry: MediaSessionRegistry,
    private readonly lineMemory: LineMemoryStore,
    private readonly signals: SignalPublisher,
    private readonly liveHuman: LiveHumanPublisher,
    private readonly metrics: DetectionMetrics,
  ) {}

  onModuleInit(): void {
    this.registry.onSessionStarted((session) => this.attach(session));
  }

  private attach(session: MediaSession): void {
    const { orgId, line } = session.info;
    const lease = line ? this.lineMemory.acquire(orgId, line) : undefined;
    new SessionDetection(
      session,
      lease,
      {
        signal: (signal) => this.signals.publish(signal),
        decision: (decided, decision) => {
          this.metrics.decisions.inc();
          void this.liveHuman.publish(decided.info, decision);
        },
      },
      this.metrics,
    ).start();
  }
}
