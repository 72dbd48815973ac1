import { ErrorCode, ingressSubject, type TelephonyIngressEvent } from '@callfleet/contracts';
import { AppException, JetStreamService, NatsConnectionService } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { WebhookIngestConfig } from '../webhook-ingest.config';

/**
 * Publishes normalized events, with the org they belong to, to INGRESS (`ingress.<provider>.v1.<kind>`)
 * with Nats-Msg-Id = the event id, and resolves only once JetStream has stored them. A repeat within the stream's duplicate
 * window is acknowledged as a duplicate and not stored again.
 */
@Injectable()
export class IngressPublisher {
  private readonly logger = new Logger('IngressPublisher');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly nats: NatsConnectionService,
    private readonly config: WebhookIngestConfig,
  ) {}

  /** How many of the events JetStream already had; SERVICE_UNAVAILABLE when they may not be stored. */
  async publish(events: readonly TelephonyIngressEvent[]): Promise<{ duplicates: number }> {
    // While disconnected a publish would only wait out its timeout: tell the provider to retry now.
    if (!this.nats.isConnected()) throw unavailable('NATS is unavailable');
    try {
      const acks = await Promise.all(
        events.map((event) =>
          this.jetstream.publish(ingressSubject(event.provider, event.kind), event, event.eventId, undefined, {
            timeoutMs: this.config.PUBLISH_TIMEOUT_MS,
          }),
        ),
      );
      return { duplicates: acks.filter((ack) => ack.duplicate).length };
    } catch (error) {
      // Some events may have been stored before the failure: the provider's retry brings the same
      // ids, which JetStream drops, so nothing is stored twice.
      this.logger.warn(`publish to INGRESS failed: ${String(error)}`);
      throw unavailable('The event store is unavailable');
    }
  }
}

function unavailable(message: string): AppException {
  return new AppException(ErrorCode.SERVICE_UNAVAILABLE, `${message}; retry later`);
}
