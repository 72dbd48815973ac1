import { type MediaSignal, MediaSubjects } from '@callfleet/contracts';
import { NatsConnectionService } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DetectionMetrics } from './detection.metrics';

/** Publishes a call's signals on core NATS (`media.v1.signals.<callId>`, plain JSON): live, never stored. */
@Injectable()
export class SignalPublisher {
  private readonly logger = new Logger('SignalPublisher');

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly metrics: DetectionMetrics,
  ) {}

  /** Never throws into the stream's frame loop: a closed connection (shutdown) loses the signal, counted. */
  publish(signal: MediaSignal): void {
    try {
      this.nats.publish(MediaSubjects.signals(signal.callId), JSON.stringify(signal));
      this.metrics.signals.inc({ kind: signal.kind });
    } catch (error) {
      this.metrics.unpublished.inc();
      this.logger.warn(`signal ${signal.kind} of call ${signal.callId} not published: ${String(error)}`);
    }
  }
}
