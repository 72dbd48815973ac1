import { LiveHumanDetected, type LiveHumanDetectedEvent, Streams } from '@callfleet/contracts';
import { Clock, JetStreamService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HuntWinner } from '../hunts/hunt-winner.service';

export const LIVE_HUMAN_CONSUMER = 'call-orchestrator-live-human';

/**
 * media-stream's live-human decisions (JetStream EVENTS, a durable consumer) turned into claims. The
 * event's id is the signal's key: a redelivery finds its row in the leg's history and does nothing.
 * A failed claim (the database away) is redelivered with backoff; what it decided is acked.
 */
@Injectable()
export class LiveHumanConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('LiveHumanConsumer');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly winner: HuntWinner,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.ensureStream(Streams.EVENTS);
    await this.jetstream.consume({
      event: LiveHumanDetected,
      durable: LIVE_HUMAN_CONSUMER,
      maxDeliver: 8,
      backoffMs: [100, 250, 500, 1_000, 2_000, 5_000, 10_000],
      handler: (event) => this.take(event),
    });
  }

  async take(event: LiveHumanDetectedEvent): Promise<void> {
    const decidedAtMs = this.clock.nowMs();
    if (!event.orgId) return;
    const { data } = event;
    const outcome = await this.winner.claim({
      orgId: event.orgId,
      callId: data.callId,
      decidedBy: 'media',
      confidence: data.confidence,
      evidence: data.evidence,
      signalKey: `media:${event.id}`,
      decidedAtMs,
      source: 'media',
      kind: 'live-human-detected',
      at: new Date(event.occurredAt),
      detail: { eventId: event.id, streamId: data.streamId, atMs: data.atMs, providerCallId: data.providerCallId },
    });
    if (outcome.outcome === 'ignored' && outcome.why === 'unknown-leg') {
      this.logger.warn(`live-human event ${event.id}: no leg of org ${event.orgId} has call ${data.callId}`);
    }
  }
}
