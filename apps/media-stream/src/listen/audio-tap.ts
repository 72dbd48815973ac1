import { MEDIA_AUDIO_CONTENT_TYPE, MediaHeaders, MediaSubjects } from '@callfleet/contracts';
import { Clock, MetricsService, NatsConnectionService } from '@callfleet/platform';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { MediaSession } from '../media-sessions/media-session';
import { MediaSessionRegistry } from '../media-sessions/media-session.registry';
import { Listens } from './listens';

/** A frame's PCM16 as little-endian bytes whatever the host's byte order (a copy: the frame may be reused). */
export function pcm16leBytes(frame: Int16Array): Uint8Array {
  const bytes = new Uint8Array(frame.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < frame.length; i++) view.setInt16(i * 2, frame[i], true);
  return bytes;
}

/**
 * Publishes a stream's frames on `media.v1.audio.<callId>` while someone listens to the call, and
 * never otherwise (a thousand calls must not flood the broker).
 */
@Injectable()
export class AudioTap implements OnModuleInit {
  private readonly frames: Counter;

  constructor(
    private readonly registry: MediaSessionRegistry,
    private readonly listens: Listens,
    private readonly nats: NatsConnectionService,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.frames = metrics.counter(
      'callfleet_media_audio_frames_published_total',
      'Frames published on media.v1.audio.<callId> to listeners',
    );
  }

  private readonly now = () => this.clock.nowMs();

  onModuleInit(): void {
    this.registry.onSessionStarted((session) => this.attach(session));
  }

  private attach(session: MediaSession): void {
    const { callId } = session.info;
    const subject = MediaSubjects.audio(callId);
    session.subscribe({
      frame: (frame, atMs, sequence) => {
        if (!this.listens.isListened(callId, this.now)) return;
        const h = natsHeaders();
        h.set(MediaHeaders.SEQUENCE, String(sequence));
        h.set(MediaHeaders.TIMESTAMP_MS, String(atMs));
        h.set(MediaHeaders.CONTENT_TYPE, MEDIA_AUDIO_CONTENT_TYPE);
        try {
          this.nats.publish(subject, pcm16leBytes(frame), { headers: h });
          this.frames.inc();
        } catch {
          // The connection is closing (shutdown): a listener loses the last frames, the stream goes on.
        }
      },
    });
  }
}
