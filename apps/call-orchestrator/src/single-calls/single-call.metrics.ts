import { MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';

/** What single calls count (`callfleet_calls_*`). */
@Injectable()
export class SingleCallMetrics {
  readonly created: Counter;
  readonly dials: Counter<'outcome'>;
  readonly digitsSent: Counter;

  constructor(metrics: MetricsService) {
    this.created = metrics.counter('callfleet_calls_created_total', 'Single calls accepted (calls.v1.create)');
    this.dials = metrics.counter(
      'callfleet_calls_dials_total',
      'Single-call dials, by outcome (placed, failed, skipped)',
      ['outcome'],
    );
    this.digitsSent = metrics.counter(
      'callfleet_calls_digits_sent_total',
      'Digits sent to single calls (calls.v1.digits)',
    );
  }
}
