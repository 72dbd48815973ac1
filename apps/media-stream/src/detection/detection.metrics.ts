import { AUDIO_CLASSES, type MediaSignal } from '@callfleet/contracts';
import { MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';

/** The detector's cost per 20 ms frame: the goal is ≤ 20 µs on average, so the buckets start far below it. */
const FRAME_SECONDS_BUCKETS = [2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 5e-3];

const SIGNAL_KINDS: MediaSignal['kind'][] = [
  ...AUDIO_CLASSES,
  'repeat',
  'dtmf',
  'live-human',
  'stream-started',
  'stream-stopped',
];
const PUBLISH_OUTCOMES = ['stored', 'duplicate', 'retried', 'failed'];

@Injectable()
export class DetectionMetrics {
  readonly frameSeconds: Histogram;
  readonly signals: Counter<'kind'>;
  readonly decisions: Counter;
  readonly unpublished: Counter;
  readonly frameErrors: Counter;
  readonly heldFrames: Counter<'outcome'>;
  readonly durablePublishes: Counter<'outcome'>;

  constructor(metrics: MetricsService) {
    this.frameSeconds = metrics.histogram(
      'callfleet_media_frame_processing_seconds',
      'CPU time the live-human detector spent on one 20 ms frame',
      [],
      FRAME_SECONDS_BUCKETS,
    );
    this.signals = metrics.counter(
      'callfleet_media_signals_total',
      'Signals published on media.v1.signals.<callId>, by kind',
      ['kind'],
    );
    this.decisions = metrics.counter(
      'callfleet_media_decisions_total',
      'Live-human decisions made (one per stream at most)',
    );
    this.unpublished = metrics.counter(
      'callfleet_media_signals_unpublished_total',
      'Signals that could not be handed to NATS (the connection closed, e.g. at shutdown)',
    );
    this.frameErrors = metrics.counter(
      'callfleet_media_detector_errors_total',
      'Frames the detector refused or failed on (the stream goes on; its analysis may be incomplete)',
    );
    this.heldFrames = metrics.counter(
      'callfleet_media_line_memory_waits_total',
      'Streams whose first frames waited for their line’s memory, by outcome (loaded, or started without it: full)',
      ['outcome'],
    );
    this.durablePublishes = metrics.counter(
      'callfleet_media_live_human_publishes_total',
      'Durable events.media.v1.live-human-detected publishes, by outcome (stored, duplicate, retried, failed: given up)',
      ['outcome'],
    );
    // At zero from the start, so the dashboard and the lost-events alert find the series before the first call.
    for (const kind of SIGNAL_KINDS) this.signals.inc({ kind }, 0);
    for (const outcome of PUBLISH_OUTCOMES) this.durablePublishes.inc({ outcome }, 0);
    for (const outcome of ['loaded', 'full']) this.heldFrames.inc({ outcome }, 0);
  }
}
