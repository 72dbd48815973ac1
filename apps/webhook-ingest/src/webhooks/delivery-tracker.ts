import { MetricsService, RequestContext, resolveError } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DeliveryLogWriter } from '../delivery-log/delivery-log.writer';
import { WebhookIngestConfig } from '../webhook-ingest.config';
import { outcomeForStatus, WebhookDelivery, type WebhookRoute } from './webhook-delivery';

/**
 * Wraps every webhook request: counts it in `callfleet_webhooks_received_total{provider,outcome}`,
 * writes its delivery log row, and adds Retry-After to a 503 (unless the refusal set its own) so the
 * provider comes back.
 */
@Injectable()
export class DeliveryTracker {
  constructor(
    private readonly log: DeliveryLogWriter,
    private readonly metrics: MetricsService,
    private readonly config: WebhookIngestConfig,
  ) {
    // Registered at start, not on the first webhook, so alerts and dashboards find the metric.
    this.received();
  }

  private received() {
    return this.metrics.counter(
      'callfleet_webhooks_received_total',
      'Provider webhook requests by provider and outcome',
      ['provider', 'outcome'],
    );
  }

  async track<T>(
    route: WebhookRoute,
    request: FastifyRequest,
    reply: FastifyReply,
    work: (delivery: WebhookDelivery) => Promise<T>,
  ): Promise<T> {
    const delivery = new WebhookDelivery(route);
    try {
      const result = await work(delivery);
      this.finish(delivery, request, reply, 200, null);
      return result;
    } catch (error) {
      const { status, body } = resolveError(error);
      if (status === 503 && !reply.hasHeader('retry-after')) {
        void reply.header('retry-after', String(this.config.UNAVAILABLE_RETRY_AFTER_SECONDS));
      }
      this.finish(delivery, request, reply, status, status >= 500 && status !== 503 ? 'internal error' : body.message);
      throw error;
    }
  }

  private finish(
    delivery: WebhookDelivery,
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: string | null,
  ): void {
    const outcome = delivery.outcome ?? (status < 400 ? 'accepted' : outcomeForStatus(status));
    const { route } = delivery;
    this.received().inc({ provider: route.provider, outcome });
    this.log.record({
      receivedAt: new Date(Date.now() - reply.elapsedTime),
      requestId: RequestContext.current()?.requestId ?? String(request.id),
      provider: route.provider,
      accountKey: route.accountKey,
      kind: route.kind,
      statusCode: status,
      latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      verification: delivery.verification,
      eventCount: delivery.eventCount,
      error,
    });
  }
}
