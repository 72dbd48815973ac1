import { Logger } from '@nestjs/common';
import { BoundedQueue } from './bounded-queue';
import { FrameAssembler } from './frame-assembler';
import type { MediaSession, MediaSessionEndReason, MediaSessionInfo, MediaSessionListener } from './media-session';
import type { PlayOut } from './play-out';

type Delivery =
  | { kind: 'frame'; pcm: Int16Array; atMs: number; sequence: number }
  | { kind: 'gap'; frames: number; atMs: number }
  | { kind: 'dtmf'; digit: string; atMs: number }
  | { kind: 'mark'; name: string; atMs: number };

/** Deliveries per turn of the event loop: then the socket, other streams and timers get theirs. */
const DRAIN_BATCH = 25;

export interface SessionHooks {
  /** A frame was dropped because the listeners fell behind by the whole queue. */
  dropped(reason: 'queue-full'): void;
  /** After `ended` reached the listeners: the door unregisters it. */
  finished(session: WebSocketMediaSession): void;
}

/**
 * One verified stream as the rest of the service sees it. What the socket brings is decoded and
 * queued at once (bounded, oldest dropped); the listeners (the detector, publishers) get it later,
 * in batches from setImmediate, so their time never holds up reading the socket or another stream.
 */
export class WebSocketMediaSession implements MediaSession {
  private readonly logger = new Logger('MediaSession');
  private readonly listeners = new Set<MediaSessionListener>();
  private readonly queue: BoundedQueue<Delivery>;
  private readonly assembler = new FrameAssembler();
  private drainScheduled = false;
  private ending: { reason: MediaSessionEndReason; atMs: number } | undefined;
  /**
   * Frames dropped from the queue's head and not yet told: the listeners get them as one gap before the next
   * item, so audio time stays the stream's (a detector that heard the audio on both sides of a drop joined would
   * hear a recording cut short and spliced, and time a pause that never was).
   */
  private lost: { frames: number; atMs: number } | undefined;
  private done = false;
  private resolveFinished!: () => void;
  /** Settles once the listeners have had everything, `ended` last. */
  readonly finished = new Promise<void>((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(
    readonly info: MediaSessionInfo,
    queueFrames: number,
    private readonly hooks: SessionHooks,
    private readonly playOut: PlayOut | undefined,
  ) {
    this.queue = new BoundedQueue(queueFrames);
  }

  get atMs(): number {
    return this.assembler.atMs;
  }

  get queuedPlayMs(): number {
    return this.playOut?.queuedMs ?? 0;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  subscribe(listener: MediaSessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  play(pcm: Int16Array): boolean {
    if (!this.playOut || this.ending) return false;
    this.playOut.play(pcm);
    return true;
  }

  clear(): boolean {
    if (!this.playOut || this.ending) return false;
    this.playOut.clear();
    return true;
  }

  mark(name: string): boolean {
    if (!this.playOut || this.ending) return false;
    return this.playOut.mark(name);
  }

  /** Decoded 8 kHz audio from the socket; returns the 20 ms frames it completed. */
  receiveAudio(pcm: Int16Array, timestampMs: number | undefined): number {
    if (this.ending) return 0;
    let frames = 0;
    for (const item of this.assembler.push(pcm, timestampMs)) {
      if (item.kind === 'frame') frames += 1;
      this.enqueue(item);
    }
    return frames;
  }

  receiveDtmf(digit: string): void {
    if (!this.ending) this.enqueue({ kind: 'dtmf', digit, atMs: this.atMs });
  }

  /** The provider played out a mark we sent. */
  receiveMark(name: string): void {
    if (!this.ending) this.enqueue({ kind: 'mark', name, atMs: this.atMs });
  }

  /** No more audio: listeners get what is queued, then `ended(reason)`. */
  end(reason: MediaSessionEndReason): void {
    if (this.ending) return;
    this.ending = { reason, atMs: this.atMs };
    this.playOut?.stop();
    this.scheduleDrain();
  }

  private enqueue(item: Delivery): void {
    const dropped = this.queue.push(item);
    if (dropped !== undefined) {
      this.hooks.dropped('queue-full');
      const frames = dropped.kind === 'frame' ? 1 : dropped.kind === 'gap' ? dropped.frames : 0;
      if (frames > 0) this.lost = { frames: (this.lost?.frames ?? 0) + frames, atMs: this.lost?.atMs ?? dropped.atMs };
    }
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.done) return;
    this.drainScheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    for (let i = 0; i < DRAIN_BATCH; i++) {
      const lost = this.lost;
      if (lost) {
        // What was dropped came before everything still queued.
        this.lost = undefined;
        for (const listener of this.listeners) this.deliver(listener, { kind: 'gap', ...lost });
      }
      const item = this.queue.shift();
      if (!item) break;
      for (const listener of this.listeners) this.deliver(listener, item);
    }
    if (this.queue.length > 0) {
      this.scheduleDrain();
    } else if (this.ending && !this.done) {
      this.done = true;
      const { reason, atMs } = this.ending;
      for (const listener of this.listeners) this.call('ended', () => listener.ended?.(reason, atMs));
      this.listeners.clear();
      this.hooks.finished(this);
      this.resolveFinished();
    }
  }

  private deliver(listener: MediaSessionListener, item: Delivery): void {
    switch (item.kind) {
      case 'frame':
        if (listener.frame) this.call('frame', () => listener.frame?.(item.pcm, item.atMs, item.sequence));
        return;
      case 'gap':
        if (listener.gap) this.call('gap', () => listener.gap?.(item.frames, item.atMs));
        return;
      case 'dtmf':
        if (listener.dtmf) this.call('dtmf', () => listener.dtmf?.(item.digit, item.atMs));
        return;
      case 'mark':
        if (listener.mark) this.call('mark', () => listener.mark?.(item.name, item.atMs));
        return;
    }
  }

  /** A listener that throws is logged, not allowed to stop the others or the stream. */
  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger.error({
        msg: `media session listener failed in ${what}`,
        err: error,
        callId: this.info.callId,
        sessionId: this.info.sessionId,
      });
    }
  }
}
