import { MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

/** What the hand-off measures (`callfleet_hunt_transfer_*`, `callfleet_hunt_handoff*`). */
@Injectable()
export class HandoffMetrics {
  readonly transferLatency: Histogram;
  readonly handoffs: Counter<'outcome'>;
  readonly destinationDials: Counter<'status'>;
  readonly transfersSkipped: Counter;

  constructor(metrics: MetricsService) {
    this.transferLatency = metrics.histogram(
      'callfleet_hunt_transfer_latency_seconds',
      "From the deciding signal reaching the orchestrator to the winner's transfer request leaving for the provider",
      [],
    );
    this.handoffs = metrics.counter(
      'callfleet_hunt_handoffs_total',
      'Hand-offs that ended, by outcome (connected, destination-unavailable, far-end-hung-up, transfer-failed)',
      ['outcome'],
    );
    this.destinationDials = metrics.counter(
      'callfleet_hunt_handoff_dials_total',
      "Dials of a hand-off's destination, by DialCallStatus",
      ['status'],
    );
    this.transfersSkipped = metrics.counter(
      'callfleet_hunt_transfers_skipped_total',
      'Transfer jobs that found their transfer taken already or fenced off (repeated, redelivered, stale)',
    );
  }
}
