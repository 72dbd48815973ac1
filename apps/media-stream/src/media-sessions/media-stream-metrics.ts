import { MEDIA_STREAM_PROVIDERS } from '@callfleet/contracts';
import { MetricsService, STREAM_TOKEN_FAILURE_REASONS } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';

/** The door's metrics (names fixed: the dashboards and alerts in deploy/ use them). */
@Injectable()
export class MediaStreamMetrics {
  readonly streamsOpen: Gauge<'provider'>;
  readonly streamsTotal: Counter<'provider'>;
  readonly streamsRejected: Counter<'reason'>;
  readonly frames: Counter<'provider'>;
  readonly framesDropped: Counter<'reason'>;
  readonly tokenFailures: Counter<'reason'>;
  readonly playFrames: Counter<'provider'>;

  constructor(metrics: MetricsService) {
    this.streamsOpen = metrics.gauge('callfleet_media_streams_open', 'Media streams streaming now (token verified)', [
      'provider',
    ]);
    this.streamsTotal = metrics.counter('callfleet_media_streams_total', 'Media streams accepted (token verified)', [
      'provider',
    ]);
    this.streamsRejected = metrics.counter(
      'callfleet_media_streams_rejected_total',
      'Media WebSockets closed before streaming: token, limits, format, no start in time',
      ['reason'],
    );
    this.frames = metrics.counter(
      'callfleet_media_frames_total',
      '20 ms audio frames received and queued for analysis',
      ['provider'],
    );
    this.framesDropped = metrics.counter(
      'callfleet_media_frames_dropped_total',
      'Media WebSocket messages or frames dropped, by reason (malformed, before start, queue full, ...)',
      ['reason'],
    );
    this.tokenFailures = metrics.counter(
      'callfleet_media_stream_token_failures_total',
      'Stream tokens refused, by reason',
      ['reason'],
    );
    this.playFrames = metrics.counter(
      'callfleet_media_play_frames_total',
      '20 ms audio frames sent back into calls on bidirectional streams',
      ['provider'],
    );
    // Present at 0 from the start, so a dashboard shows a line before the first stream.
    for (const provider of MEDIA_STREAM_PROVIDERS) {
      this.streamsOpen.set({ provider }, 0);
      this.streamsTotal.inc({ provider }, 0);
      this.frames.inc({ provider }, 0);
      this.playFrames.inc({ provider }, 0);
    }
    for (const reason of ['token', 'org-limit', 'capacity', 'start-timeout']) this.streamsRejected.inc({ reason }, 0);
    for (const reason of ['malformed-json', 'before-start', 'queue-full', 'too-large']) {
      this.framesDropped.inc({ reason }, 0);
    }
    for (const reason of STREAM_TOKEN_FAILURE_REASONS) this.tokenFailures.inc({ reason }, 0);
  }
}
