import { EventEmitter } from 'node:events';
import type { StreamTokenClaims } from '@callfleet/contracts';
import type { WebSocket } from 'ws';
import { MediaStreamConfig } from '../media-stream.config';
import { type DoorContext, MediaStreamConnection } from './media-stream-connection';
import type { MediaStreamMetrics } from './media-stream-metrics';
import { MEDIA_STREAM_PROTOCOLS } from './media-stream-protocols';
import type { WebSocketMediaSession } from './websocket-media-session';

/** The `ws` socket as the connection uses it: messages in, what it sends and how it closes recorded. */
class StandInSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith?: number;
  send(message: string): void {
    this.sent.push(message);
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  receive(frame: unknown): void {
    this.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
  }
}

function door(verify: () => Promise<StreamTokenClaims>) {
  const dropped: Record<string, number> = {};
  let session: WebSocketMediaSession | undefined;
  const counter = { inc: () => undefined, labels: () => counter };
  const context: DoorContext = {
    config: Object.assign(new MediaStreamConfig(), { MEDIA_MAX_BAD_FRAMES: 1_000_000 }),
    metrics: {
      frames: counter,
      streamsRejected: counter,
      tokenFailures: counter,
      playFrames: counter,
      framesDropped: {
        inc: ({ reason }: { reason: string }, by = 1) => {
          dropped[reason] = (dropped[reason] ?? 0) + by;
        },
      },
    } as unknown as MediaStreamMetrics,
    nowMs: () => Date.now(),
    verify,
    refusalOf: () => ({ reason: 'malformed', retryLater: false }),
    admits: () => true,
    opened: (_c, s) => {
      session = s;
    },
    failed: (_c, error) => {
      throw error;
    },
    ended: () => undefined,
  };
  return { context, dropped, session: () => session };
}

const exotelStart = {
  event: 'start',
  start: { stream_sid: 's1', call_sid: 'c1', media_format: { encoding: 'base64', sample_rate: '24000' } },
};
const media = (bytes: number) => ({ event: 'media', media: { payload: Buffer.alloc(bytes, 1).toString('base64') } });
const claims: StreamTokenClaims = {
  callId: 'call-1',
  orgId: '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10',
  provider: 'exotel',
  expiresAt: 0,
  tokenId: 'j',
};

describe('MediaStreamConnection bounds', () => {
  it('holds at most 256 KB of audio while the token is verified; the rest is dropped as before-start', () => {
    const { context, dropped } = door(() => new Promise(() => undefined));
    const socket = new StandInSocket();
    const connection = new MediaStreamConnection(
      'c',
      MEDIA_STREAM_PROTOCOLS.exotel,
      socket as unknown as WebSocket,
      new URLSearchParams('token=t'),
      context,
    );
    socket.receive(exotelStart);
    // 60 messages of 48 KB (a second of 24 kHz each): under the 100-message bound, 2.9 MB in all.
    for (let i = 0; i < 60; i++) socket.receive(media(48_000));
    const held = (connection as unknown as { held: unknown[]; heldBytes: number }).held;
    expect(held.length).toBe(5);
    expect((connection as unknown as { heldBytes: number }).heldBytes).toBeLessThanOrEqual(256 * 1024);
    expect(dropped['before-start']).toBe(55);
  });

  it('keeps nothing after a stop held while the token is verified, however many stops come', () => {
    const { context, dropped } = door(() => new Promise(() => undefined));
    const socket = new StandInSocket();
    const connection = new MediaStreamConnection(
      'c',
      MEDIA_STREAM_PROTOCOLS.exotel,
      socket as unknown as WebSocket,
      new URLSearchParams('token=t'),
      context,
    );
    socket.receive(exotelStart);
    socket.receive(media(320));
    for (let i = 0; i < 10_000; i++) socket.receive(i % 2 ? { event: 'stop' } : media(320));
    const held = (connection as unknown as { held: { event: string }[] }).held;
    expect(held.map((e) => e.event)).toEqual(['media', 'media', 'stop']);
    expect(dropped['before-start']).toBe(9_998);
  });

  it('sends nothing more to a peer with over 1 MB unread in its send buffer, and counts it', async () => {
    const { context, dropped, session } = door(async () => claims);
    const socket = new StandInSocket();
    new MediaStreamConnection(
      'c',
      MEDIA_STREAM_PROTOCOLS.exotel,
      socket as unknown as WebSocket,
      new URLSearchParams('token=t&bidirectional=true'),
      context,
    );
    socket.receive({ ...exotelStart, start: { ...exotelStart.start, media_format: { sample_rate: 8000 } } });
    await new Promise((resolve) => setImmediate(resolve));
    const opened = session() as WebSocketMediaSession;
    expect(opened.info.bidirectional).toBe(true);
    socket.bufferedAmount = 2 * 1024 * 1024;
    expect(opened.clear()).toBe(true);
    expect(socket.sent).toEqual([]);
    expect(dropped['play-queue-full']).toBe(1);
    socket.bufferedAmount = 0;
    opened.clear();
    expect(socket.sent).toHaveLength(1);
    opened.end('stop');
  });
});
