import { type MediaSignal, MediaSubjects } from '@callfleet/contracts';
import { NatsConnectionService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DetectionMetrics } from './detection.metrics';

/** Publishes a call's signals on core NATS (`media.v1.signals.<callId>`, plain JSON): live, never stored. */
@Injectable()
export class SignalPublisher {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly metrics: DetectionMetrics,
  ) {}

  publish(signal: MediaSignal): void {
    this.nats.publish(MediaSubjects.signals(signal.callId), JSON.stringify(signal));
    this.metrics.signals.inc({ kind: signal.kind });
  }
}
