import type { MediaSessionInfo } from './media-session';
import { WebSocketMediaSession } from './websocket-media-session';

const info: MediaSessionInfo = {
  sessionId: 's1',
  callId: 'call-1',
  orgId: 'org-1',
  provider: 'twilio',
  providerCallId: 'CA1',
  streamId: 'MZ1',
  bidirectional: false,
};

const frame = (n: number) => new Int16Array(160).fill(n);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WebSocketMediaSession queue', () => {
  it('tells frames dropped from a full queue as a gap, so audio time stays the stream’s', async () => {
    let dropped = 0;
    const session = new WebSocketMediaSession(
      info,
      4,
      { dropped: () => dropped++, finished: () => undefined },
      undefined,
    );
    const heard: string[] = [];
    session.subscribe({
      frame: (pcm, atMs) => heard.push(`frame ${pcm[0]} @${atMs}`),
      gap: (frames, atMs) => heard.push(`gap ${frames} @${atMs}`),
    });
    // A burst of 10 frames into a queue of 4 before the listeners' turn: the oldest 6 are dropped.
    for (let n = 1; n <= 10; n++) session.receiveAudio(frame(n), (n - 1) * 20);
    session.end('stop');
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(dropped).toBe(6);
    expect(heard).toEqual(['gap 6 @0', 'frame 7 @120', 'frame 8 @140', 'frame 9 @160', 'frame 10 @180']);
  });

  it('a dropped gap adds its frames to the gap told', async () => {
    const session = new WebSocketMediaSession(
      info,
      2,
      { dropped: () => undefined, finished: () => undefined },
      undefined,
    );
    const heard: string[] = [];
    session.subscribe({
      frame: (pcm, atMs) => heard.push(`frame ${pcm[0]} @${atMs}`),
      gap: (frames, atMs) => heard.push(`gap ${frames} @${atMs}`),
    });
    session.receiveAudio(frame(1), 0);
    // The provider's timestamps skip 3 frames: a gap item, then frame 2.
    session.receiveAudio(frame(2), 80);
    session.receiveAudio(frame(3), 100);
    session.receiveAudio(frame(4), 120);
    for (let i = 0; i < 3; i++) await nextTurn();
    expect(heard).toEqual(['gap 5 @0', 'frame 3 @100', 'frame 4 @120']);
  });
});
