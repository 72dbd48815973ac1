import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateRawSync } from 'node:zlib';
import { decodeMulaw, encodeMulaw, pcm16ToLittleEndian } from '@callfleet/audio';
import { type ErrorBody, FleetHeader, MediaHeaders, NATS_SERVICE_ERROR_CODE } from '@callfleet/contracts';
import { waitFor } from '@callfleet/testing';
import { headers as natsHeaders } from '@nats-io/transport-node';
import WebSocket from 'ws';
import { MediaSessionRegistry } from '../src/media-sessions/media-session.registry';
import { MediaStreamDoor } from '../src/media-sessions/media-stream-door';
import { MAX_PLAY_QUEUE_ITEMS } from '../src/media-sessions/play-out';
import {
  exotel,
  type HeardSession,
  MediaStreamHarness,
  numberedFrame,
  ORG_A,
  ProviderSocket,
  twilio,
} from './media-stream-harness';

/**
 * The door and the NATS side as an attacker (or a broken provider) meets them: seeded, so a failure
 * replays. Every socket must end with a documented close code or have each frame it sent counted in
 * callfleet_media_frames_dropped_total; the service must stay ready, log no error, keep its memory,
 * and a good stream alongside must get every frame in order.
 */

/** Close codes the README documents (1002: `ws` itself, on framing it cannot read). */
const DOCUMENTED_CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1013, 4000, 4001];
const FRAMES_PER_SOCKET = 2000;
const START_TIMEOUT_MS = 2500;
const IDLE_TIMEOUT_MS = 3500;

/** mulberry32: a small seeded PRNG, so the hostile inputs are the same on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof seeded>;

const DEEP_ARRAY = `${'['.repeat(10_000)}8000${']'.repeat(10_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const WIDE_OBJECT = `{${Array.from({ length: 3000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;

/** Values of the wrong type for any field, as JSON text. */
function wrongValue(r: Rng): string {
  return r.pick([
    () => 'null',
    () => 'true',
    () => '-1',
    () => '1e308',
    () => '[]',
    () => '[1,2,3]',
    () => '{}',
    () => '"\\u0000"',
    () => '"\\ud800"',
    () => '"\\udfff\\ud800x"',
    // Not 'x': a long run of base64 letters would be a valid payload.
    () => JSON.stringify('~é'.repeat(2500 + r.int(10_000))),
    () => DEEP_ARRAY,
    () => DEEP_OBJECT,
    () => WIDE_OBJECT,
    () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  ])();
}

/** A count field that is not a non-negative integer (numbers as strings are fine when decimal). */
function badCount(r: Rng): string {
  return r.pick(['"NaN"', '"-5"', '-1', '1.5', '" 20"', '"0x10"', '"1e3"', '1e300', '"Infinity"', wrongValue(r)]);
}

/** Valid base64 of `bytes` random bytes. */
const base64Of = (r: Rng, bytes: number) =>
  Buffer.from(Array.from({ length: bytes }, () => r.int(256))).toString('base64');

/** Base64 that the strict decoder must refuse: whitespace, padding errors, the URL-safe alphabet. */
function badBase64(r: Rng): string {
  const good = base64Of(r, 3 * (20 + r.int(100)) + 1 + r.int(2)); // needs padding
  return r.pick([
    () => `${good.slice(0, 10)} ${good.slice(10)}`,
    () => `${good.slice(0, 10)}\n${good.slice(10)}`,
    () => good.replace(/=+$/, ''),
    () => `${good}=`,
    () => `=${good}`,
    () => `${good.slice(0, 8)}-_${good.slice(10)}`,
    () => `${good.slice(0, 8)}%%${good.slice(10)}`,
    () => '====',
  ])();
}

/**
 * One frame a verified stream cannot use, as text: each is refused (counted) and none is valid by
 * accident (no `stop`, `connected` or `clear`, which are always fine).
 */
function hostileFrame(r: Rng, provider: 'twilio' | 'exotel', started = true): string {
  const mediaWith = (media: string) => `{"event":"media","streamSid":"MZ1","media":${media}}`;
  const payload = () => JSON.stringify(base64Of(r, 2 * (1 + r.int(200))));
  return r.pick([
    // Not JSON, or not an event.
    () => '',
    () => ' ',
    () => '{"event":"media","media":',
    () =>
      String.fromCharCode(...Array.from({ length: 1 + r.int(200) }, () => 32 + r.int(95))).replace(/^[[{"\d-tfn]/, '#'),
    () => wrongValue(r),
    () => `{"event":${r.pick(['null', '5', '[]', '{}', 'true'])}}`,
    () => `{"Event":"media","media":{"payload":${payload()}}}`,
    // An event we do not know.
    () => `{"event":${JSON.stringify(`x-${'\u0000\ud800é'.repeat(r.int(5))}${r.int(1e6)}`)}}`,
    () => `{"event":"MEDIA","media":{"payload":${payload()}}}`,
    // media with fields of the wrong type or shape.
    () => `{"event":"media","media":${wrongValue(r).replace(/^\{\}$/, '[]')}}`,
    () => `{"event":"media"}`,
    () => `{"event":"media","__proto__":{"media":{"payload":${payload()}}}}`,
    () => mediaWith(`{"payload":${wrongValue(r)}}`),
    () => mediaWith(`{"payload":${JSON.stringify(badBase64(r))}}`),
    () => mediaWith('{"payload":""}'),
    () => mediaWith(`{"payload":${payload()},"timestamp":${badCount(r)}}`),
    () => mediaWith(`{"payload":${payload()},"chunk":${badCount(r)}}`),
    // Odd PCM16 lengths (Exotel) and a Twilio track of the wrong type.
    () =>
      provider === 'exotel'
        ? mediaWith(`{"payload":${JSON.stringify(base64Of(r, 2 * r.int(500) + 1))}}`)
        : mediaWith(
            `{"payload":${payload()},"track":${r.pick(['5', '[]', '{}', '""', JSON.stringify('t'.repeat(300))])}}`,
          ),
    // DTMF and marks that are not.
    () =>
      `{"event":"dtmf","dtmf":{"digit":${r.pick(['"55"', '"x"', '""', '5', 'null', '"E"', JSON.stringify('1'.repeat(5000)), wrongValue(r)])}}}`,
    () => `{"event":"dtmf","dtmf":${r.pick(['null', '"5"', '[]'])}}`,
    // (A one-character name, even NUL or a lone surrogate, is a name: only empty, long or not a string is refused.)
    () =>
      `{"event":"mark","mark":{"name":${r.pick(['""', '5', 'null', '[]', DEEP_ARRAY, WIDE_OBJECT, JSON.stringify('m'.repeat(257 + r.int(40_000)))])}}}`,
    // A second start (valid or not) on a stream that has started (before it, a start is a start).
    ...(started
      ? [
          () =>
            provider === 'twilio'
              ? JSON.stringify(twilio.start('MZagain', { token: 'whatever' }))
              : JSON.stringify(exotel.start('again', 8000)),
          () => `{"event":"start","start":${wrongValue(r)}}`,
          () =>
            `{"event":"start","start":{"streamSid":"MZ2","callSid":"CA2","stream_sid":"s","call_sid":"c","mediaFormat":{"sampleRate":${DEEP_ARRAY}},"media_format":{"sample_rate":${DEEP_ARRAY}}}}`,
        ]
      : []),
  ])();
}

/** A client frame (masked, as RFC 6455 requires of clients), built by hand for what `ws` will not send. */
function clientFrame(opcode: number, payload: Buffer, options: { fin?: boolean; rsv1?: boolean } = {}): Buffer {
  const { fin = true, rsv1 = false } = options;
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  if (length < 126) header[1] = 0x80 | length;
  else if (length < 65_536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}

/** A raw TCP client that does the WebSocket upgrade itself, then writes whatever bytes the test wants. */
class RawWebSocket {
  private received = Buffer.alloc(0);
  readonly ended: Promise<void>;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on('error', () => undefined);
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(url: string, path: string, extraHeaders: string[] = []): Promise<RawWebSocket> {
    const { hostname, port } = new URL(url);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(Number(port), hostname, () => resolve(s));
      s.once('error', reject);
    });
    const raw = new RawWebSocket(socket);
    const key = Buffer.from(randomUUID()).subarray(0, 16).toString('base64');
    socket.write(
      [
        `GET ${path} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...extraHeaders,
        '',
        '',
      ].join('\r\n'),
    );
    return raw;
  }

  /** The HTTP answer's head, once it has come. */
  async head(): Promise<string> {
    return waitFor(
      async () => {
        const end = this.received.indexOf('\r\n\r\n');
        return end >= 0 ? this.received.subarray(0, end).toString('latin1') : undefined;
      },
      10_000,
      'the upgrade answer',
    );
  }

  /** The close code of the server's close frame, if it sent one (frames after the HTTP head). */
  closeCode(): number | undefined {
    const end = this.received.indexOf('\r\n\r\n');
    let offset = end + 4;
    while (offset + 2 <= this.received.length) {
      const opcode = this.received[offset] & 0x0f;
      let length = this.received[offset + 1] & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        length = this.received.readUInt16BE(offset + 2);
        start += 2;
      } else if (length === 127) {
        length = Number(this.received.readBigUInt64BE(offset + 2));
        start += 8;
      }
      if (opcode === 0x8) return length >= 2 ? this.received.readUInt16BE(start) : 1005;
      offset = start + length;
    }
    return undefined;
  }

  /**
   * The server's close code, once its close frame came and it cut the connection: this client never
   * answers the close handshake, and the server must not wait long for it (ws's default is 30 s).
   */
  async closedWith(): Promise<number> {
    const code = await waitFor(async () => this.closeCode(), 20_000, 'a close frame');
    const cut = await Promise.race([
      this.ended.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
    ]);
    this.socket.destroy();
    expect(cut).toBe(true);
    return code;
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }
}

/** Waits until `socket` closes, or gives its state if it does not within `ms`. */
async function closeOf(socket: ProviderSocket, ms = 15_000): Promise<{ code: number; reason: string } | 'open'> {
  let timer: NodeJS.Timeout | undefined;
  const open = new Promise<'open'>((resolve) => {
    timer = setTimeout(() => resolve('open'), ms);
  });
  const outcome = await Promise.race([socket.closed, open]);
  clearTimeout(timer);
  return outcome;
}

/** A full GC, so heap figures say what is still held rather than what is garbage. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heldMemory = () => {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

let counter = 0;
const ids = () => {
  counter += 1;
  const suffix = `${Date.now().toString(36)}h${counter}`;
  return { callId: `call-${suffix}`, streamSid: `MZ${suffix}` };
};

describe('media-stream door under hostile input (seeded)', () => {
  let h: MediaStreamHarness;
  const r = seeded(0x5eed_0008);
  const good: {
    socket?: ProviderSocket;
    streamSid: string;
    heard?: HeardSession;
    sent: number;
    pacer?: NodeJS.Timeout;
  } = { streamSid: '', sent: 0 };
  let baselineMemory = 0;
  let baselineConnections = 0;
  const readiness: number[] = [];
  let readyProbe: NodeJS.Timeout | undefined;

  /** Every frame the door refused or dropped, of any reason but queue-full (a listener falling behind). */
  const droppedSoFar = async () =>
    (await h.metric('callfleet_media_frames_dropped_total')) -
    (await h.metric('callfleet_media_frames_dropped_total', { reason: 'queue-full' }));

  async function verifiedStream(provider: 'twilio' | 'exotel', rate = 8000, options: { bidirectional?: boolean } = {}) {
    const { callId, streamSid } = ids();
    const orgId = randomUUID();
    const token = await h.token({ callId, orgId, provider });
    const bidirectional: Record<string, string> = options.bidirectional ? { bidirectional: 'true' } : {};
    const socket =
      provider === 'twilio' ? await h.connect('twilio') : await h.connect('exotel', { token, ...bidirectional });
    socket.send(
      provider === 'twilio' ? twilio.start(streamSid, { token, ...bidirectional }) : exotel.start(streamSid, rate),
    );
    const heard = await h.sessionOf(callId);
    return { callId, streamSid, socket, heard, orgId };
  }

  beforeAll(async () => {
    h = await MediaStreamHarness.start({
      MEDIA_MAX_BAD_FRAMES: String(FRAMES_PER_SOCKET + 500),
      MEDIA_START_TIMEOUT_MS: String(START_TIMEOUT_MS),
      MEDIA_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      MEDIA_STREAM_QUEUE_FRAMES: '15000',
      // Short HTTP limits: they must cut a slow upgrade, and never a stream (the good one lives the whole run).
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
      HTTP_IDLE_TIMEOUT_MS: '2000',
    });
    // The good stream, paced like a provider (a frame every few ms), for the whole run.
    const stream = await verifiedStream('twilio');
    Object.assign(good, { socket: stream.socket, streamSid: stream.streamSid, heard: stream.heard });
    good.pacer = setInterval(() => {
      good.socket?.send(twilio.media(good.streamSid, ++good.sent));
    }, 10);
    readyProbe = setInterval(() => {
      void fetch(`${h.media.url}/health/ready`)
        .then((res) => readiness.push(res.status))
        .catch(() => readiness.push(0));
    }, 250);
    baselineMemory = heldMemory();
    baselineConnections = h.media.app.get(MediaStreamDoor).connectionCount;
  });

  afterAll(async () => {
    clearInterval(good.pacer);
    clearInterval(readyProbe);
    await h?.stop();
  });

  it('counts every frame it cannot use on verified Twilio and Exotel streams, and delivers none of them', async () => {
    for (const [provider, rate] of [
      ['twilio', 8000],
      ['exotel', 8000],
      ['exotel', 16000],
      ['exotel', 24000],
      ['twilio', 8000],
    ] as const) {
      const stream = await verifiedStream(provider, rate);
      const before = await droppedSoFar();
      for (let i = 0; i < FRAMES_PER_SOCKET; i++) {
        if (r.int(20) === 0) stream.socket.ws.send(Buffer.from([0, 1, 2, r.int(256)]), { binary: true });
        else stream.socket.send(hostileFrame(r, provider));
      }
      // Every frame counted, or the socket closed (it must not be: all were under the bad-frame limit).
      await waitFor(
        async () =>
          (await droppedSoFar()) >= before + FRAMES_PER_SOCKET || stream.socket.ws.readyState !== WebSocket.OPEN,
        30_000,
        `${provider} drops`,
      );
      expect(stream.socket.ws.readyState).toBe(WebSocket.OPEN);
      expect(await droppedSoFar()).toBe(before + FRAMES_PER_SOCKET);
      expect(stream.heard.frames).toHaveLength(0);
      expect(stream.heard.dtmf).toHaveLength(0);
      expect(stream.heard.marks).toHaveLength(0);
      await stream.socket.close();
    }
    // `__proto__` keys were only ever data.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await h.metric('callfleet_media_frames_dropped_total', { reason: 'bad-base64' })).toBeGreaterThan(0);
    expect(await h.metric('callfleet_media_frames_dropped_total', { reason: 'binary-frame' })).toBeGreaterThan(0);
    expect(await h.metric('callfleet_media_frames_dropped_total', { reason: 'duplicate-start' })).toBeGreaterThan(0);
  });

  it('closes a socket that sends more unusable frames than MEDIA_MAX_BAD_FRAMES with 1007, before start too', async () => {
    const socket = await h.connect('exotel');
    for (let i = 0; i < FRAMES_PER_SOCKET + 600; i++) socket.send(hostileFrame(r, 'exotel', false));
    expect(await closeOf(socket)).toEqual({ code: 1007, reason: 'too many malformed frames' });
  });

  it('counts frames before start, and frames after stop, without a session', async () => {
    const before = await droppedSoFar();
    const early = await h.connect('twilio');
    for (let i = 0; i < 500; i++) early.send(i % 2 ? twilio.media('MZearly', i) : hostileFrame(r, 'twilio', false));
    await waitFor(async () => (await droppedSoFar()) >= before + 500, 20_000, 'the early frames counted');
    const outcome = early.ws.readyState === WebSocket.OPEN ? 'open' : await closeOf(early, 1);
    expect(outcome === 'open' || DOCUMENTED_CLOSE_CODES.includes(outcome.code)).toBe(true);

    const stopped = await verifiedStream('twilio');
    stopped.socket.send(twilio.stop(stopped.streamSid));
    for (let n = 1; n <= 50; n++) stopped.socket.send(twilio.media(stopped.streamSid, n));
    expect((await stopped.socket.closed).code).toBe(1000);
    await waitFor(async () => stopped.heard.ended, 10_000, 'the stopped session to end');
    expect(stopped.heard.frames).toHaveLength(0);
    early.ws.terminate();
  });

  it('keeps audio time sane on odd sizes and wild timestamps: no allocation for a 1e12 ms gap', async () => {
    const stream = await verifiedStream('twilio');
    const before = heldMemory();
    const timestamps = [0, 20, 10, 0, 1e12, 40, 2 ** 52, 60, 59_000, 61_000, 120_000_000, 60_020];
    let n = 0;
    for (const timestampMs of timestamps) {
      for (let k = 0; k < 3; k++) {
        n += 1;
        // 1 to 400 samples: chunks that are not 160, as a provider that re-packetizes sends them.
        const pcm = new Int16Array(1 + r.int(400)).fill(n);
        stream.socket.send({
          event: 'media',
          media: {
            track: 'inbound',
            timestamp: String(timestampMs + k),
            payload: Buffer.from(encodeMulaw(pcm)).toString('base64'),
          },
        });
      }
    }
    stream.socket.send(twilio.stop(stream.streamSid));
    await waitFor(async () => stream.heard.ended, 20_000, 'the odd stream to end');
    const { frames, gaps } = stream.heard;
    expect(frames.every((f) => f.pcm.length === 160)).toBe(true);
    expect(frames.every((f, i) => i === 0 || f.sequence > frames[i - 1].sequence)).toBe(true);
    // Gaps are bounded (a minute at most each); the broken clocks (1e12, 2^52) are not gaps at all.
    expect(gaps.every((g) => g.frames >= 1 && g.frames <= 3000)).toBe(true);
    expect(stream.heard.ended?.atMs).toBeLessThan(10 * 60_000);
    expect(heldMemory() - before).toBeLessThan(32 * 1024 * 1024);

    // Exotel at 16 and 24 kHz in chunk sizes that are no multiple of 320 bytes or of the rate's ratio.
    for (const rate of [16000, 24000]) {
      const ex = await verifiedStream('exotel', rate);
      let samples = 0;
      for (let c = 0; c < 200; c++) {
        const pcm = new Int16Array(1 + r.int(997)).fill(c);
        samples += pcm.length;
        ex.socket.send({
          event: 'media',
          media: { payload: Buffer.from(pcm16ToLittleEndian(pcm)).toString('base64') },
        });
      }
      ex.socket.send(exotel.stop(ex.streamSid));
      await waitFor(async () => ex.heard.ended, 20_000, 'the Exotel stream to end');
      expect(ex.heard.frames.every((f) => f.pcm.length === 160)).toBe(true);
      expect(ex.heard.frames.length).toBe(Math.floor(samples / (rate / 8000) / 160));
    }
  });

  it('refuses hostile tokens with 1008 and counts each reason', async () => {
    const reasons = async () =>
      Object.fromEntries(
        await Promise.all(
          ['malformed', 'bad-signature', 'wrong-provider', 'wrong-call', 'missing'].map(
            async (reason) =>
              [reason, await h.metric('callfleet_media_stream_token_failures_total', { reason })] as const,
          ),
        ),
      );
    const before = await reasons();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'call-x', org: ORG_A, provider: 'twilio', jti: 'j', iat: now, exp: now + 60 })}.`;
    const { callId } = ids();
    const exotelToken = await h.token({ callId, provider: 'exotel' });
    const otherCallToken = await h.token({ callId: `${callId}-other`, provider: 'twilio' });
    const cases: [string, () => Promise<ProviderSocket>][] = [
      ['malformed', async () => startTwilio({ token: 'x'.repeat(5000) })],
      ['malformed', async () => startTwilio({ token: `${'e30.'.repeat(3)}\u0000\ud800` })],
      ['bad-signature', async () => startTwilio({ token: algNone })],
      ['wrong-provider', async () => startTwilio({ token: exotelToken })],
      ['wrong-call', async () => startTwilio({ token: otherCallToken, callId })],
      [
        'wrong-call',
        async () => {
          const s = await h.connect('exotel', { token: exotelToken, callId: `${callId}-other` });
          s.send(exotel.start('s-wrong-call', 8000));
          return s;
        },
      ],
      [
        'missing',
        async () => {
          const s = await h.connect('exotel', { token: '' });
          s.send(exotel.start('s-empty', 8000));
          return s;
        },
      ],
    ];
    async function startTwilio(parameters: Record<string, string>) {
      const s = await h.connect('twilio');
      s.send(twilio.start(ids().streamSid, parameters));
      return s;
    }
    const expected: Record<string, number> = { ...before };
    for (const [reason, open] of cases) {
      const socket = await open();
      expect(await closeOf(socket)).toEqual({ code: 1008, reason: 'invalid stream token' });
      expected[reason] += 1;
    }
    expect(await reasons()).toEqual(expected);
    expect(h.hasSession(callId)).toBe(false);

    // A token too long to be a parameter: `start` itself is refused, and the stream never starts (1008).
    const huge = await startTwilio({ token: 'x'.repeat(10_000) });
    expect(await closeOf(huge)).toEqual({ code: 1008, reason: 'no start with a stream token in time' });
  });

  it('refuses Exotel formats it does not decode with 1003', async () => {
    for (const rate of ['0', '-1', '1e9', 'abc', '44100', '8000.5', DEEP_ARRAY]) {
      const { callId, streamSid } = ids();
      const token = await h.token({ callId, provider: 'exotel' });
      const socket = await h.connect('exotel', { token });
      const start = JSON.stringify(exotel.start(streamSid, 8000)).replace(
        '"sample_rate":"8000"',
        `"sample_rate":${rate.startsWith('[') ? rate : JSON.stringify(rate)}`,
      );
      socket.send(start);
      expect(await closeOf(socket)).toEqual({ code: 1003, reason: 'unsupported media format' });
      expect(h.hasSession(callId)).toBe(false);
    }
  });

  it('survives upgrades with hostile query strings, paths and headers', async () => {
    const base = h.media.url;
    // Garbage query: the door still answers the upgrade, then refuses the token.
    const garbage = await RawWebSocket.connect(base, `/media/exotel?token=%ZZ%&callId=%00%ud800&${'a=%'.repeat(2000)}`);
    expect(await garbage.head()).toMatch(/^HTTP\/1\.1 101/);
    await garbage.write(clientFrame(0x1, Buffer.from(JSON.stringify(exotel.start('s-garbage', 8000)))));
    expect(await garbage.closedWith()).toBe(1008);

    // A query too big for the HTTP parser: an HTTP error, not a crash.
    const huge = await RawWebSocket.connect(base, `/media/twilio?token=${'x'.repeat(100_000)}`);
    const answer = await Promise.race([huge.ended.then(() => ''), huge.head()]);
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
    huge.socket.destroy();
    for (const [path, headers] of [
      ['/media/nowhere', []],
      ['/media/twilio/../exotel', []],
      ['/media/twilio', ['Sec-WebSocket-Version: 8']],
      ['/media/twilio', ['Sec-WebSocket-Protocol: \u0001']],
    ] as [string, string[]][]) {
      const raw = await RawWebSocket.connect(base, path, headers);
      await Promise.race([raw.ended, raw.head()]);
      raw.socket.destroy();
    }
    const plain = await fetch(`${base}/media/twilio?token=x`);
    expect(plain.status).toBeGreaterThanOrEqual(400);
    expect(plain.status).toBeLessThan(500);
  });

  it('does not negotiate compression, and closes a compressed (deflate bomb) frame with 1002', async () => {
    const before = await h.metric('callfleet_media_frames_dropped_total', { reason: 'protocol-error' });
    const raw = await RawWebSocket.connect(h.media.url, '/media/twilio', [
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
    ]);
    const head = await raw.head();
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    expect(head.toLowerCase()).not.toContain('sec-websocket-extensions');
    // 50 MB of zeros in ~50 KB: a server that inflated it would hold the whole of it.
    const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(60 * 1024);
    await raw.write(clientFrame(0x1, bomb, { rsv1: true }));
    expect(await raw.closedWith()).toBe(1002);
    expect(await h.metric('callfleet_media_frames_dropped_total', { reason: 'protocol-error' })).toBe(before + 1);

    // Invalid UTF-8 in a text frame, and a message over the limit: `ws` closes them (1007, 1009).
    const utf8 = await h.connect('twilio');
    utf8.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x7d]), { binary: false });
    expect((await closeOf(utf8)) as { code: number }).toMatchObject({ code: 1007 });
    const big = await h.connect('exotel');
    big.send(`{"event":"media","media":{"payload":"${'A'.repeat(70_000)}"}}`);
    expect((await closeOf(big)) as { code: number }).toMatchObject({ code: 1009 });
  });

  it('forgets sockets dropped mid-frame, mid-upgrade or mid-start, hundreds at once', async () => {
    const door = h.media.app.get(MediaStreamDoor);
    const drops = Array.from({ length: 150 }, async (_, i) => {
      const raw = await RawWebSocket.connect(h.media.url, i % 2 ? '/media/twilio' : '/media/exotel');
      if (i % 5 === 0) {
        raw.socket.destroy();
        return;
      }
      await raw.head();
      const frame = clientFrame(0x1, Buffer.from(JSON.stringify(twilio.start(`MZdrop${i}`, { token: 'x' }))));
      // Half a frame (or only its header, announcing 60 KB), then gone.
      await raw.write(i % 3 ? frame.subarray(0, Math.floor(frame.length / 2)) : frame.subarray(0, 8));
      raw.socket.destroy();
    });
    await Promise.all(drops);
    await waitFor(async () => door.connectionCount === baselineConnections, 20_000, 'the dropped sockets forgotten');
  });

  it('closes slow-loris sockets: nothing sent (1008), a byte a second before start (1008) or after it (4000), a slow upgrade', async () => {
    const silent = await h.connect('twilio');
    // Slower still: the upgrade request itself, a byte a second (the HTTP headers limit ends it).
    const { hostname, port } = new URL(h.media.url);
    const slowUpgrade = net.connect(Number(port), hostname);
    slowUpgrade.on('error', () => undefined);
    const slowUpgradeEnded = new Promise<void>((resolve) => slowUpgrade.once('close', () => resolve()));
    const request = Buffer.from(
      'GET /media/twilio HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n',
    );
    let upgradeOffset = 0;
    const dribbleBeforeStart = await RawWebSocket.connect(h.media.url, '/media/twilio');
    await dribbleBeforeStart.head();
    const stream = await verifiedStream('twilio');
    // The verified one goes on over a raw socket of its own: start sent whole, then one byte a second.
    const { callId, streamSid } = ids();
    const token = await h.token({ callId, provider: 'twilio' });
    const dribbleAfterStart = await RawWebSocket.connect(h.media.url, '/media/twilio');
    await dribbleAfterStart.head();
    await dribbleAfterStart.write(clientFrame(0x1, Buffer.from(JSON.stringify(twilio.start(streamSid, { token })))));
    await h.sessionOf(callId);
    const media = clientFrame(0x1, Buffer.from(JSON.stringify(twilio.media(streamSid, 1))));
    let offset = 0;
    const dribble = setInterval(() => {
      if (!slowUpgrade.destroyed && upgradeOffset < request.length) {
        slowUpgrade.write(request.subarray(upgradeOffset, ++upgradeOffset));
      }
      if (offset < media.length - 1) {
        void dribbleBeforeStart.write(media.subarray(offset, offset + 1));
        void dribbleAfterStart.write(media.subarray(offset, offset + 1));
        offset += 1;
      }
    }, 1000);
    try {
      expect(await closeOf(silent)).toEqual({ code: 1008, reason: 'no start with a stream token in time' });
      expect(await dribbleBeforeStart.closedWith()).toBe(1008);
      expect(await dribbleAfterStart.closedWith()).toBe(4000);
      await slowUpgradeEnded;
      expect(upgradeOffset).toBeLessThan(request.length);
    } finally {
      clearInterval(dribble);
    }
    const heard = await h.sessionOf(callId);
    expect(heard.ended?.reason).toBe('idle-timeout');
    stream.socket.ws.terminate();
  });

  describe('the NATS side, from a fleet client', () => {
    const fleetHeaders = (orgId = ORG_A) => {
      const hd = natsHeaders();
      hd.set(FleetHeader.REQUEST_ID, randomUUID());
      hd.set(FleetHeader.ORG_ID, orgId);
      hd.set(FleetHeader.USER_ID, randomUUID());
      hd.set(FleetHeader.ROLES, 'admin');
      return hd;
    };

    it('answers garbage media.v1.listen requests with a 4xx service error, never a timeout', async () => {
      const bodies = [
        '',
        'garbage',
        '[]',
        'null',
        '"x"',
        '{}',
        '{"callId":5,"durationSeconds":10}',
        '{"callId":"call-a","durationSeconds":"10"}',
        '{"callId":"call-a","durationSeconds":0}',
        '{"callId":"call-a","durationSeconds":-1}',
        '{"callId":"call-a","durationSeconds":3601}',
        '{"callId":"call-a","durationSeconds":1.5}',
        '{"callId":"call-a","durationSeconds":1e309}',
        '{"callId":"call-a","durationSeconds":NaN}',
        `{"callId":"${'a'.repeat(65)}","durationSeconds":10}`,
        '{"callId":"a.b","durationSeconds":10}',
        '{"callId":"a b","durationSeconds":10}',
        '{"callId":"\\u0000","durationSeconds":10}',
        '{"callId":"\\ud800","durationSeconds":10}',
        '{"callId":["call-a"],"durationSeconds":10}',
        `{"callId":${DEEP_ARRAY},"durationSeconds":10}`,
        `{"callId":"call-a","durationSeconds":${DEEP_OBJECT}}`,
        '{"__proto__":{"callId":"call-a","durationSeconds":10}}',
        '{"constructor":{"prototype":{"durationSeconds":10}},"callId":"call-a"}',
        '{"callId":"call-nobody-holds","durationSeconds":10}',
        `{"callId":"call-a","durationSeconds":10,"pad":"${'x'.repeat(900_000)}"}`,
        Buffer.from(Array.from({ length: 5000 }, () => r.int(256))).toString('latin1'),
      ];
      const codes = new Set<string>();
      for (const body of bodies) {
        const reply = await h.nc.request(`${h.ns}.media.v1.listen`, body, { headers: fleetHeaders(), timeout: 5_000 });
        const status = Number(reply.headers?.get(NATS_SERVICE_ERROR_CODE));
        expect([body.slice(0, 60), status]).toEqual([body.slice(0, 60), expect.any(Number)]);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        const error = reply.json<ErrorBody>();
        expect(['VALIDATION_ERROR', 'BAD_REQUEST', 'NOT_FOUND']).toContain(error.code);
        codes.add(error.code);
      }
      expect(codes.has('NOT_FOUND')).toBe(true);

      // Without a caller, or with headers that are not one: refused (4xx), not served and not a timeout.
      const body = '{"callId":"call-a","durationSeconds":10}';
      const strange = fleetHeaders();
      strange.set(FleetHeader.ORG_ID, 'not-an-org');
      strange.set(FleetHeader.ROLES, 'x'.repeat(10_000));
      for (const headers of [undefined, strange]) {
        const reply = await h.nc.request(`${h.ns}.media.v1.listen`, body, {
          timeout: 5_000,
          ...(headers ? { headers } : {}),
        });
        const status = Number(reply.headers?.get(NATS_SERVICE_ERROR_CODE));
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }
      expect(({} as Record<string, unknown>).durationSeconds).toBeUndefined();
    });

    it('drops and counts garbage on media.v1.play.<callId>; the stream plays on', async () => {
      const stream = await verifiedStream('twilio', 8000, { bidirectional: true });
      const subject = `${h.ns}.media.v1.play.${stream.callId}`;
      const outcome = (o: string) => h.metric('callfleet_media_play_messages_total', { outcome: o });
      const before = {
        odd: await outcome('odd-length'),
        big: await outcome('too-big'),
        empty: await outcome('empty'),
        action: await outcome('unknown-action'),
        mark: await outcome('bad-mark'),
        full: await outcome('play-queue-full'),
      };
      const withHeaders = (values: Record<string, string>) => {
        const hd = natsHeaders();
        for (const [k, v] of Object.entries(values)) hd.set(k, v);
        return hd;
      };
      for (let i = 0; i < 200; i++) h.nc.publish(subject, new Uint8Array(2 * r.int(1000) + 1));
      h.nc.publish(subject, new Uint8Array(160_002));
      h.nc.publish(subject, new Uint8Array(900_000));
      h.nc.publish(subject, new Uint8Array(0));
      for (const action of ['rewind', 'plays', 'x'.repeat(10_000), 'mark\u0000', 'cl ear']) {
        h.nc.publish(subject, new Uint8Array(4), { headers: withHeaders({ [MediaHeaders.PLAY_ACTION]: action }) });
      }
      for (const name of ['', 'a b', 'm'.repeat(65), 'm'.repeat(10_000), 'é']) {
        h.nc.publish(subject, new Uint8Array(0), {
          headers: withHeaders({ [MediaHeaders.PLAY_ACTION]: 'mark', [MediaHeaders.MARK_NAME]: name }),
        });
      }
      // Audio queued well ahead, then a flood of marks behind it: bounded, the rest refused and counted.
      h.nc.publish(subject, new Uint8Array(160_000));
      for (let i = 0; i < MAX_PLAY_QUEUE_ITEMS + 500; i++) {
        h.nc.publish(subject, new Uint8Array(0), {
          headers: withHeaders({ [MediaHeaders.PLAY_ACTION]: 'mark', [MediaHeaders.MARK_NAME]: `m${i}` }),
        });
      }
      await h.nc.flush();
      await waitFor(async () => (await outcome('play-queue-full')) >= before.full + 1, 20_000, 'marks refused');
      expect(await outcome('odd-length')).toBe(before.odd + 200);
      expect(await outcome('too-big')).toBe(before.big + 2);
      expect(await outcome('empty')).toBe(before.empty + 1);
      expect(await outcome('unknown-action')).toBe(before.action + 5);
      expect(await outcome('bad-mark')).toBe(before.mark + 5);
      const playOut = (stream.heard.session as unknown as { playOut: { items: unknown[] } }).playOut;
      expect(playOut.items.length).toBeLessThanOrEqual(MAX_PLAY_QUEUE_ITEMS);
      // The stream still plays and clears.
      expect(stream.heard.session.clear()).toBe(true);
      await waitFor(async () => stream.socket.received.some((m) => m.event === 'clear'), 10_000, 'the clear');
      expect(stream.socket.ws.readyState).toBe(WebSocket.OPEN);
      await stream.socket.close();
    });
  });

  it('stayed ready, logged no error, held its memory, and the good stream got every frame in order', async () => {
    clearInterval(good.pacer);
    const sent = good.sent;
    expect(sent).toBeGreaterThan(500);
    good.socket?.send(twilio.stop(good.streamSid));
    const heard = good.heard as HeardSession;
    await waitFor(async () => heard.ended, 30_000, 'the good stream to end');
    expect(heard.ended?.reason).toBe('stop');
    expect(heard.frames.map((f) => f.sequence)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    for (const frame of heard.frames) {
      expect(frame.pcm).toEqual(decodeMulaw(encodeMulaw(numberedFrame(frame.sequence))));
    }
    expect(heard.gaps).toEqual([]);

    expect(readiness.length).toBeGreaterThan(10);
    expect(readiness.filter((s) => s !== 200)).toEqual([]);
    expect((await fetch(`${h.media.url}/health/ready`)).status).toBe(200);

    const errors = h.media.logs.lines.filter(
      (l) => Number(l.level) >= 50 || l.level === 'error' || l.level === 'fatal',
    );
    expect(errors.map((l) => l.msg)).toEqual([]);

    const door = h.media.app.get(MediaStreamDoor);
    await waitFor(async () => door.connectionCount === 0, 20_000, 'every socket gone');
    const callId = heard.session.info.callId;
    await waitFor(async () => h.media.app.get(MediaSessionRegistry).get(callId) === undefined, 5_000, 'unregistered');
    expect(heldMemory() - baselineMemory).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('media-stream door under a flood of sockets', () => {
  let h: MediaStreamHarness;
  beforeAll(async () => {
    h = await MediaStreamHarness.start({ MEDIA_MAX_STREAMS: '20', MEDIA_START_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('closes sockets beyond MEDIA_MAX_STREAMS with 1013, counted, and takes new ones once the silent ones are gone', async () => {
    const before = await h.metric('callfleet_media_streams_rejected_total', { reason: 'capacity' });
    const sockets = await Promise.all(Array.from({ length: 60 }, () => h.connect('twilio')));
    const outcomes = await Promise.all(sockets.map((s) => closeOf(s)));
    const codes = outcomes.map((o) => (o === 'open' ? 0 : o.code));
    // The first 20 wait for a start that never comes (1008); the other 40 never get a place (1013).
    expect(codes.filter((c) => c === 1013)).toHaveLength(40);
    expect(codes.filter((c) => c === 1008)).toHaveLength(20);
    expect(await h.metric('callfleet_media_streams_rejected_total', { reason: 'capacity' })).toBe(before + 40);
    expect(h.media.app.get(MediaStreamDoor).connectionCount).toBe(0);
    const { callId, streamSid } = ids();
    const socket = await h.connect('twilio');
    socket.send(twilio.start(streamSid, { token: await h.token({ callId }) }));
    await h.sessionOf(callId);
    await socket.close();
  });
});
