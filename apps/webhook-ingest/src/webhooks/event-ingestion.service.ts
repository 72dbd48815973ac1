import { PROVIDER_WEBHOOKS, ringCentralHandshakeToken } from '@callfleet/telephony';
import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProcessedEventsStore } from '../processed-events/processed-events.store';
import { IngressPublisher } from './ingress-publisher';
import type { WebhookDelivery } from './webhook-delivery';
import { WebhookGate } from './webhook-gate';

export interface IngestAnswer {
  /** Events stored by this delivery. */
  accepted: number;
  /** Events of this delivery that were stored before (a provider's retry or duplicate). */
  duplicates: number;
}

/**
 * A provider's event webhook: verified, normalized, de-duplicated and stored durably before the
 * provider gets its 2xx.
 *
 * Order matters. The event is published first (Nats-Msg-Id = event id) and marked processed only
 * after the PubAck. A crash or NATS outage before the PubAck leaves nothing marked: the provider
 * retries and the event is published then. A crash between the PubAck and the mark leaves it
 * stored but unmarked: the retry publishes again, JetStream drops the repeat (duplicate window),
 * and the mark is written. Marking first would instead lose the event whenever the publish failed.
 */
@Injectable()
export class EventIngestion {
  private readonly logger = new Logger('EventIngestion');

  constructor(
    private readonly gate: WebhookGate,
    private readonly publisher: IngressPublisher,
    private readonly processed: ProcessedEventsStore,
  ) {}

  async ingest(delivery: WebhookDelivery, request: FastifyRequest, reply: FastifyReply): Promise<IngestAnswer> {
    const { account, webhook } = await this.gate.identify(delivery, request);
    const handshake = account.provider === 'ringcentral' ? ringCentralHandshakeToken(webhook) : undefined;
    if (handshake) {
      // RingCentral's subscription handshake: echo its token (nothing to verify, nothing to publish).
      delivery.verification = 'handshake';
      delivery.outcome = 'handshake';
      void reply.header('validation-token', handshake);
      return { accepted: 0, duplicates: 0 };
    }
    this.gate.admit(delivery, account, webhook, reply);

    const events = PROVIDER_WEBHOOKS[account.provider].parse(webhook, {
      accountKey: account.accountKey,
      receivedAt: new Date(),
    });
    delivery.eventCount = events.length;
    if (events.length === 0) {
      delivery.outcome = 'ignored';
      return { accepted: 0, duplicates: 0 };
    }

    const seen = await this.processed.processedAmong(events.map((e) => e.eventId)).catch((error: unknown) => {
      // Without the table JetStream's duplicate window still drops repeats: keep taking events.
      this.logger.warn(`processed events unreadable, relying on JetStream de-duplication: ${String(error)}`);
      return new Set<string>();
    });
    // The org travels in the body, so no consumer depends on a header for tenancy.
    const fresh = events.filter((e) => !seen.has(e.eventId)).map((e) => ({ ...e, orgId: account.orgId }));
    const { duplicates } = fresh.length > 0 ? await this.publisher.publish(fresh) : { duplicates: 0 };
    await this.processed.markProcessed(fresh).catch((error: unknown) => {
      // Stored in the stream already; an unmarked event is only published again after the duplicate window.
      this.logger.warn(`events stored but not marked processed: ${String(error)}`);
    });
    const accepted = fresh.length - duplicates;
    delivery.outcome = accepted > 0 ? 'accepted' : 'duplicate';
    return { accepted, duplicates: events.length - accepted };
  }
}
