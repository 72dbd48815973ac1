import { MEDIA_STREAM_PROTOCOLS } from './media-stream-protocols';
import { MAX_PLAY_QUEUE_ITEMS, type PlayEncoder, PlayOut } from './play-out';

/** An encoder that names what it was given: `audio:<first sample>:<samples>`. */
class RecordingEncoder implements PlayEncoder {
  encode(pcm: Int16Array): string[] {
    const out: string[] = [];
    for (let i = 0; i < pcm.length; i += 160) out.push(`audio:${pcm[i]}:${Math.min(160, pcm.length - i)}`);
    return out;
  }
  flush(): string[] {
    return [];
  }
  discard(): void {}
  mark(name: string): string {
    return `mark:${name}`;
  }
  clear(): string {
    return 'clear';
  }
}

/** n 20 ms frames, frame k filled with k. */
const frames = (n: number, from = 0) => {
  const pcm = new Int16Array(n * 160);
  for (let k = 0; k < n; k++) pcm.fill(from + k, k * 160, (k + 1) * 160);
  return pcm;
};

describe('PlayOut', () => {
  let sent: string[];
  let sentFrames: number;
  let droppedFrames: number;
  const playOut = (maxQueuedMs = 60_000, encoder: PlayEncoder = new RecordingEncoder()) =>
    new PlayOut(
      encoder,
      {
        send: (m) => {
          sent.push(m);
          return true;
        },
        sentFrames: (n) => {
          sentFrames += n;
        },
        droppedFrames: (n) => {
          droppedFrames += n;
        },
      },
      maxQueuedMs,
    );

  beforeEach(() => {
    jest.useFakeTimers();
    sent = [];
    sentFrames = 0;
    droppedFrames = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('sends audio in real time, a little ahead, then the mark after it', () => {
    const out = playOut();
    out.play(frames(50));
    out.mark('done');
    // At once: only the lead (400 ms = 20 frames); the rest stays queued, so clear could still take it.
    expect(sent).toHaveLength(20);
    expect(out.queuedMs).toBe(600);
    jest.advanceTimersByTime(1_000);
    expect(sent.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, k) => `audio:${k}:160`));
    expect(sent[50]).toBe('mark:done');
    expect(sentFrames).toBe(50);
    expect(out.queuedMs).toBe(0);
  });

  it('drops the oldest queued audio beyond its bound, and counts it', () => {
    const out = playOut(1_000);
    out.play(frames(150));
    expect(droppedFrames).toBe(100);
    jest.advanceTimersByTime(2_000);
    expect(sent[0]).toBe('audio:100:160');
    expect(sent).toHaveLength(50);
  });

  it('clear empties the queue, tells the provider, and sends nothing more of it', () => {
    const out = playOut();
    out.play(frames(500));
    out.mark('never-played');
    out.clear();
    expect(out.queuedMs).toBe(0);
    expect(sent.slice(20)).toEqual(['clear', 'mark:never-played']);
    jest.advanceTimersByTime(5_000);
    expect(sent).toHaveLength(22);
  });

  it('sends nothing once stopped', () => {
    const out = playOut();
    out.stop();
    out.play(frames(10));
    out.mark('x');
    jest.advanceTimersByTime(1_000);
    expect(sent).toEqual([]);
  });

  it('gives Exotel whole chunks while audio keeps coming, and pads the last once it stops', () => {
    const out = playOut(
      60_000,
      MEDIA_STREAM_PROTOCOLS.exotel.playEncoder('s1', { encoding: 'pcm16', sampleRate: 8000 }),
    );
    const sizes = () => sent.map((m) => Buffer.from(JSON.parse(m).media.payload, 'base64').length);
    // 20 ms at a time, as frames come from NATS: 15 frames = 300 ms = 4800 bytes.
    for (let i = 0; i < 15; i++) out.play(frames(1, i));
    jest.advanceTimersByTime(100);
    expect(sizes()).toEqual([3200]);
    jest.advanceTimersByTime(1_000);
    expect(sizes()).toEqual([3200, 3200]);
  });

  it('bounds how many pieces it queues: a flood of one-sample chunks or of marks cannot grow it', () => {
    const out = playOut();
    out.play(frames(3000)); // 60 s: the audio bound, and one piece
    for (let i = 0; i < MAX_PLAY_QUEUE_ITEMS + 5000; i++) out.play(Int16Array.of(i % 1000));
    expect((out as unknown as { items: unknown[] }).items.length).toBeLessThanOrEqual(MAX_PLAY_QUEUE_ITEMS);
    expect(droppedFrames).toBeGreaterThan(0);
    let refused = 0;
    for (let i = 0; i < MAX_PLAY_QUEUE_ITEMS; i++) if (!out.mark(`m${i}`)) refused += 1;
    expect(refused).toBe(MAX_PLAY_QUEUE_ITEMS);
    expect((out as unknown as { items: unknown[] }).items.length).toBeLessThanOrEqual(MAX_PLAY_QUEUE_ITEMS);
    expect(out.queuedMs).toBeLessThanOrEqual(60_000);
    out.stop();
  });
});
