import { randomUUID } from 'node:crypto';
import { MEDIA_FRAME_SAMPLES } from '@callfleet/contracts';
import type { SegmentFingerprint } from '@callfleet/detection';
import type {
  MediaSession,
  MediaSessionEndReason,
  MediaSessionInfo,
  MediaSessionListener,
} from '../src/media-sessions/media-session';

/**
 * A stream as the WebSocket door hands it to the rest of the service, driven by the test instead of
 * a provider: the seam between the door (tested with real sockets in its own tests) and the features.
 */
export class FakeMediaSession implements MediaSession {
  readonly info: MediaSessionInfo;
  atMs = 0;
  private sequence = 0;
  private readonly listeners = new Set<MediaSessionListener>();
  readonly played: Int16Array[] = [];
  readonly marks: string[] = [];
  clears = 0;

  constructor(info: Partial<MediaSessionInfo> & Pick<MediaSessionInfo, 'orgId'>) {
    this.info = {
      sessionId: randomUUID(),
      callId: `call-${randomUUID().slice(0, 8)}`,
      provider: 'twilio',
      providerCallId: `CA${randomUUID().replace(/-/g, '')}`,
      streamId: `MZ${randomUUID().replace(/-/g, '')}`,
      bidirectional: false,
      ...info,
    };
  }

  get queuedPlayMs(): number {
    return 0;
  }

  subscribe(listener: MediaSessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers frames (each 160 samples) as the door would, in order. */
  frames(...frames: Int16Array[]): void {
    for (const frame of frames) {
      if (frame.length !== MEDIA_FRAME_SAMPLES) throw new Error('a frame is 160 samples');
      const atMs = this.atMs;
      this.sequence++;
      this.atMs += 20;
      for (const l of [...this.listeners]) l.frame?.(frame, atMs, this.sequence);
    }
  }

  gap(frames: number): void {
    const atMs = this.atMs;
    this.atMs += frames * 20;
    this.sequence += frames;
    for (const l of [...this.listeners]) l.gap?.(frames, atMs);
  }

  dtmf(digit: string): void {
    for (const l of [...this.listeners]) l.dtmf?.(digit, this.atMs);
  }

  end(reason: MediaSessionEndReason = 'stop'): void {
    for (const l of [...this.listeners]) l.ended?.(reason, this.atMs);
    this.listeners.clear();
  }

  get lastSequence(): number {
    return this.sequence;
  }

  play(pcm: Int16Array): boolean {
    if (!this.info.bidirectional) return false;
    this.played.push(pcm);
    return true;
  }

  clear(): boolean {
    if (!this.info.bidirectional) return false;
    this.clears++;
    return true;
  }

  mark(name: string): boolean {
    if (!this.info.bidirectional) return false;
    this.marks.push(name);
    return true;
  }
}

/** `count` frames of silence. */
export function silence(count: number): Int16Array[] {
  return Array.from({ length: count }, () => new Int16Array(MEDIA_FRAME_SAMPLES));
}

/** `count` frames of a loud, voice-like buzz (a 150 Hz pulse train with harmonics, changing level like syllables). */
export function loudVoiceLike(count: number, startFrame = 0): Int16Array[] {
  return Array.from({ length: count }, (_, f) => {
    const frame = new Int16Array(MEDIA_FRAME_SAMPLES);
    const envelope = 0.55 + 0.45 * Math.sin((2 * Math.PI * 4 * (startFrame + f) * 20) / 1000);
    for (let i = 0; i < frame.length; i++) {
      const t = ((startFrame + f) * MEDIA_FRAME_SAMPLES + i) / 8000;
      let s = 0;
      for (let h = 1; h <= 12; h++) s += Math.sin(2 * Math.PI * 150 * h * t) / h;
      frame[i] = Math.round(envelope * 9000 * s);
    }
    return frame;
  });
}

/** Frames whose samples count up (so a test can tell frames apart by their bytes). */
export function numbered(count: number, from: number): Int16Array[] {
  return Array.from({ length: count }, (_, f) => {
    const frame = new Int16Array(MEDIA_FRAME_SAMPLES);
    for (let i = 0; i < frame.length; i++) frame[i] = ((from + f) * 7 + i) * (i % 2 ? -1 : 1);
    return frame;
  });
}

/** A segment fingerprint of pseudo-random hash words (xorshift from `seed`), as distinct audio gives. */
export function fingerprint(atMs: number, seed: number, length = 150): SegmentFingerprint {
  let x = seed * 2654435761 || 1;
  const hashes = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    hashes[i] = x >>> 0 || 1;
  }
  return { atMs, kind: 'speech', hashes };
}
