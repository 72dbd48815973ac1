/**
 * What our side sent to play into a bidirectional stream, played out at the stream's pace: audio
 * takes its length to play, a mark is "played" (and echoed back, as the provider does) once the audio
 * queued before it has. `clear` drops the queued audio; its pending marks are echoed at once, as
 * Twilio does. Pure: time only moves when `advance` is called.
 */
export class PlaybackQueue {
  private readonly items: ({ kind: 'audio'; ms: number } | { kind: 'mark'; name: string })[] = [];
  private playedMs = 0;

  /** Audio ms played so far (cleared audio never plays). */
  get played(): number {
    return this.playedMs;
  }

  /** Audio ms waiting to play. */
  get queuedMs(): number {
    return this.items.reduce((ms, item) => ms + (item.kind === 'audio' ? item.ms : 0), 0);
  }

  enqueueAudio(ms: number): void {
    if (ms > 0) this.items.push({ kind: 'audio', ms });
  }

  enqueueMark(name: string): void {
    this.items.push({ kind: 'mark', name });
  }

  /** Plays `ms` of audio; returns the marks reached, in order. */
  advance(ms: number): string[] {
    const reached: string[] = [];
    let left = ms;
    while (this.items.length > 0) {
      const head = this.items[0];
      if (head.kind === 'mark') {
        reached.push(head.name);
        this.items.shift();
        continue;
      }
      if (left <= 0) break;
      const played = Math.min(left, head.ms);
      head.ms -= played;
      left -= played;
      this.playedMs += played;
      if (head.ms <= 0) this.items.shift();
    }
    return reached;
  }

  /** Drops the queued audio; returns the marks that were waiting behind it. */
  clear(): string[] {
    const marks = this.items.flatMap((item) => (item.kind === 'mark' ? [item.name] : []));
    this.items.length = 0;
    return marks;
  }
}
