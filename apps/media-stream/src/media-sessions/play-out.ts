import { MEDIA_FRAME_SAMPLES, MEDIA_SAMPLE_RATE } from '@callfleet/contracts';

/** Turns our 8 kHz PCM into the provider's messages (Twilio μ-law frames, Exotel PCM16 chunks). */
export interface PlayEncoder {
  /** Messages for these samples; an encoder that needs whole chunks may keep a rest for later. */
  encode(pcm: Int16Array): string[];
  /** Messages for the rest it keeps (padded), before a mark or when the audio stops coming. */
  flush(): string[];
  /** Forgets the rest it keeps (on clear). */
  discard(): void;
  mark(name: string): string;
  clear(): string;
}

type PlayItem = { kind: 'audio'; pcm: Int16Array } | { kind: 'mark'; name: string };

const SAMPLES_PER_MS = MEDIA_SAMPLE_RATE / 1000;
/** How far ahead of real time audio is sent: enough to ride out a late timer, little enough that `clear` is prompt. */
const LEAD_MS = 400;
const TICK_MS = 100;
/** An encoder's partial chunk is flushed (padded) once no new audio has come for this long. */
const IDLE_FLUSH_MS = 250;
/**
 * Pieces (audio chunks and marks) queued at most. The audio bound alone holds neither: a sender of
 * one-sample chunks would queue 480,000 of them within 60 s, and marks carry no audio at all.
 */
export const MAX_PLAY_QUEUE_ITEMS = 10_000;

export interface PlayOutEvents {
  /** Sends one message on the socket; false when it is gone. */
  send(message: string): boolean;
  /** 20 ms frames sent (for the play-frames counter). */
  sentFrames(frames: number): void;
  /** 20 ms frames dropped because the queue was over its bound. */
  droppedFrames(frames: number): void;
}

/**
 * Audio queued for playing into a bidirectional call, sent in real time (a little ahead), so that what
 * is queued here is what `clear` can still take back and the queue, not the provider's buffer, is
 * what is bounded (oldest audio dropped beyond `maxQueuedMs`).
 */
export class PlayOut {
  private readonly items: PlayItem[] = [];
  private queuedSamples = 0;
  /** Audio sent since the play clock (re)started, in ms, and when that was. */
  private sentMs = 0;
  private epoch = 0;
  private lastAudioAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly encoder: PlayEncoder,
    private readonly events: PlayOutEvents,
    private readonly maxQueuedMs: number,
  ) {}

  get queuedMs(): number {
    return this.queuedSamples / SAMPLES_PER_MS;
  }

  play(pcm: Int16Array): void {
    if (this.stopped || pcm.length === 0) return;
    this.items.push({ kind: 'audio', pcm: pcm.slice() });
    this.queuedSamples += pcm.length;
    this.lastAudioAt = performance.now();
    this.dropOverflow();
    this.pump();
  }

  /** False when the queue already holds MAX_PLAY_QUEUE_ITEMS pieces: the mark is not queued. */
  mark(name: string): boolean {
    if (this.stopped) return false;
    if (this.items.length >= MAX_PLAY_QUEUE_ITEMS) return false;
    this.items.push({ kind: 'mark', name });
    this.pump();
    return true;
  }

  clear(): void {
    if (this.stopped) return;
    const dropped = this.items.filter((i) => i.kind === 'mark');
    this.items.length = 0;
    this.queuedSamples = 0;
    this.encoder.discard();
    this.events.send(this.encoder.clear());
    // Marks still queued here were never sent, so the provider cannot echo them: send them after the
    // clear, as the provider does with its own pending marks.
    for (const mark of dropped) if (mark.kind === 'mark') this.events.send(this.encoder.mark(mark.name));
    this.sentMs = 0;
    this.epoch = performance.now();
  }

  stop(): void {
    this.stopped = true;
    this.items.length = 0;
    this.queuedSamples = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dropOverflow(): void {
    const maxSamples = this.maxQueuedMs * SAMPLES_PER_MS;
    let droppedSamples = 0;
    while (this.queuedSamples > maxSamples || this.items.length > MAX_PLAY_QUEUE_ITEMS) {
      const index = this.items.findIndex((i) => i.kind === 'audio');
      if (index < 0) break;
      const item = this.items[index] as { kind: 'audio'; pcm: Int16Array };
      // Too many pieces: the oldest goes whole, however short.
      const excess = this.items.length > MAX_PLAY_QUEUE_ITEMS ? item.pcm.length : this.queuedSamples - maxSamples;
      if (item.pcm.length <= excess) {
        this.items.splice(index, 1);
        this.queuedSamples -= item.pcm.length;
        droppedSamples += item.pcm.length;
      } else {
        item.pcm = item.pcm.subarray(excess);
        this.queuedSamples -= excess;
        droppedSamples += excess;
      }
    }
    if (droppedSamples > 0) this.events.droppedFrames(Math.ceil(droppedSamples / MEDIA_FRAME_SAMPLES));
  }

  private pump(): void {
    if (this.timer || this.stopped) return;
    this.tick();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = performance.now();
    // After a pause the play clock restarts: audio sent earlier has played out.
    if (this.sentMs < now - this.epoch) {
      this.epoch = now;
      this.sentMs = 0;
    }
    let budgetSamples = Math.ceil((now - this.epoch + LEAD_MS - this.sentMs) * SAMPLES_PER_MS);
    let sentSamples = 0;
    while (budgetSamples > 0 && this.items.length > 0) {
      const item = this.items[0];
      if (item.kind === 'mark') {
        for (const message of this.encoder.flush()) this.events.send(message);
        this.events.send(this.encoder.mark(item.name));
        this.items.shift();
        continue;
      }
      // Whole frames only, so a frame is never split across ticks.
      const take = Math.min(item.pcm.length, Math.ceil(budgetSamples / MEDIA_FRAME_SAMPLES) * MEDIA_FRAME_SAMPLES);
      for (const message of this.encoder.encode(item.pcm.subarray(0, take))) this.events.send(message);
      if (take === item.pcm.length) this.items.shift();
      else item.pcm = item.pcm.subarray(take);
      this.queuedSamples -= take;
      budgetSamples -= take;
      sentSamples += take;
    }
    if (sentSamples > 0) {
      this.sentMs += sentSamples / SAMPLES_PER_MS;
      this.events.sentFrames(Math.ceil(sentSamples / MEDIA_FRAME_SAMPLES));
    }
    const waitingForMore = this.items.length === 0 && now - this.lastAudioAt < IDLE_FLUSH_MS;
    if (this.items.length === 0 && !waitingForMore) {
      for (const message of this.encoder.flush()) this.events.send(message);
      return;
    }
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }
}
