import {
  type EventEnvelope,
  LiveHumanDetected,
  type LiveHumanDetectedData,
  type LiveHumanSignal,
} from '@callfleet/contracts';
import { Clock, eventEnvelope, JetStreamService } from '@callfleet/platform';
import { fullJitterDelay } from '@callfleet/resilience';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { MediaSessionInfo } from '../media-sessions/media-session';
import { DetectionMetrics } from './detection.metrics';
import { liveHumanEventId } from './live-human-event-id';

/** Tries over about a minute: a JetStream election or a broker restart, not a long outage. */
const MAX_ATTEMPTS = 12;
const BACKOFF = { baseDelayMs: 250, maxDelayMs: 8_000 };
const PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Publishes the live-human decision durably (`events.media.v1.live-human-detected` on EVENTS).
 * media-stream has no database, so no outbox: it publishes at once and retries with backoff until
 * JetStream has it. The event's id is derived from the call and stream, so a retry whose first try
 * was stored after all (a lost PubAck) is dropped by JetStream as a duplicate: stored once.
 */
@Injectable()
export class LiveHumanPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveHumanPublisher');
  private readonly pending = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly clock: Clock,
    private readonly metrics: DetectionMetrics,
  ) {}

  /** The durable event of one decision; resolves once stored (or given up on, counted and logged). */
  publish(info: MediaSessionInfo, decision: LiveHumanSignal): Promise<void> {
    const data: LiveHumanDetectedData = {
      callId: info.callId,
      provider: info.provider,
      providerCallId: info.providerCallId,
      streamId: info.streamId,
      ...(info.line ? { line: info.line } : {}),
      atMs: Math.round(decision.atMs),
      confidence: decision.confidence,
      evidence: decision.evidence.slice(0, 20),
    };
    const envelope = eventEnvelope(
      LiveHumanDetected.subject,
      data,
      { orgId: info.orgId, id: liveHumanEventId(info.callId, info.streamId), correlationId: info.callId },
      this.clock.now(),
    );
    const work = this.publishWithRetries(envelope).finally(() => this.pending.delete(work));
    this.pending.add(work);
    return work;
  }

  private async publishWithRetries(envelope: EventEnvelope<LiveHumanDetectedData>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.jetstream.publish(LiveHumanDetected.subject, envelope, envelope.id, undefined, {
          timeoutMs: PUBLISH_TIMEOUT_MS,
        });
        this.metrics.durablePublishes.inc({ outcome: ack.duplicate ? 'duplicate' : 'stored' });
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || this.stopping) {
          this.metrics.durablePublishes.inc({ outcome: 'failed' });
          this.logger.error(
            `live-human event of call ${envelope.data.callId} not stored after ${attempt} tries: ${String(error)}`,
          );
          return;
        }
        this.metrics.durablePublishes.inc({ outcome: 'retried' });
        await new Promise((resolve) => setTimeout(resolve, fullJitterDelay(attempt, BACKOFF)));
      }
    }
  }

  /** A decision made just before shutdown still gets its tries under way; the last one is awaited. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.pending);
  }
}
