import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMulaw, pcm16ToLittleEndian } from '@callfleet/audio';
import {
  type IssueStreamTokenDto,
  type MediaStreamProvider,
  StreamTokenCommands,
  type StreamTokenDto,
} from '@callfleet/contracts';
import { type Clock, MetricsService } from '@callfleet/platform';
import { plainNatsClient, startTestService, TestDatabase, testNamespace, waitFor } from '@callfleet/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import WebSocket from 'ws';
import { authService } from '../../auth/src/auth.definition';
import type { MediaSession, MediaSessionEndReason } from '../src/media-sessions/media-session';
import { MediaSessionRegistry } from '../src/media-sessions/media-session.registry';
import { mediaStreamService } from '../src/media-stream.definition';

export const ORG_A = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
export const ORG_B = '0d7e2f4c-9a1b-4c3d-8e5f-6a7b8c9d0e1f';

/** What a registry listener heard of one session, in order. */
export interface HeardSession {
  session: MediaSession;
  frames: { pcm: Int16Array; atMs: number; sequence: number }[];
  gaps: { frames: number; atMs: number }[];
  dtmf: { digit: string; atMs: number }[];
  marks: string[];
  ended?: { reason: MediaSessionEndReason; atMs: number };
}

/** auth (real, for stream tokens) and media-stream on real NATS, and a recorder of every session the registry gets. */
export class MediaStreamHarness {
  readonly heard: HeardSession[] = [];

  private constructor(
    readonly ns: string,
    private readonly db: TestDatabase,
    private readonly keysDir: string,
    readonly auth: Awaited<ReturnType<typeof startTestService>>,
    readonly media: Awaited<ReturnType<typeof startTestService>>,
    readonly nc: NatsConnection,
  ) {
    media.app.get(MediaSessionRegistry).onSessionStarted((session) => {
      const heard: HeardSession = { session, frames: [], gaps: [], dtmf: [], marks: [] };
      this.heard.push(heard);
      session.subscribe({
        frame: (pcm, atMs, sequence) => heard.frames.push({ pcm: pcm.slice(), atMs, sequence }),
        gap: (frames, atMs) => heard.gaps.push({ frames, atMs }),
        dtmf: (digit, atMs) => heard.dtmf.push({ digit, atMs }),
        mark: (name) => heard.marks.push(name),
        ended: (reason, atMs) => {
          heard.ended = { reason, atMs };
        },
      });
    });
  }

  static async start(env: Record<string, string> = {}, clock?: Clock): Promise<MediaStreamHarness> {
    const ns = testNamespace();
    const db = await TestDatabase.create();
    const keysDir = mkdtempSync(join(tmpdir(), 'auth-keys-'));
    const auth = await startTestService(authService, {
      namespace: ns,
      databaseUrl: db.url,
      env: { JWT_KEYS_DIR: keysDir },
    });
    const media = await startTestService(mediaStreamService, { namespace: ns, env, clock });
    return new MediaStreamHarness(ns, db, keysDir, auth, media, await plainNatsClient());
  }

  async stop(): Promise<void> {
    await this.nc?.close();
    await this.media?.close();
    await this.auth?.close();
    await this.db?.drop();
    rmSync(this.keysDir, { recursive: true, force: true });
  }

  /** A stream token as the orchestrator gets it from auth (auth.v1.stream-tokens.issue). */
  async token(dto: Partial<IssueStreamTokenDto> & { callId: string }): Promise<string> {
    const reply = await this.nc.request(
      `${this.ns}.${StreamTokenCommands.Issue.subject}`,
      JSON.stringify({ orgId: ORG_A, provider: 'twilio', ...dto }),
      { timeout: 5_000 },
    );
    return reply.json<StreamTokenDto>().token;
  }

  /** TwiML that forks a call's audio here (`<Start><Stream>` with the token), then holds the line. */
  forkTwiml(token: string): string {
    return (
      `<Response><Start><Stream url="${this.url('twilio')}"><Parameter name="token" value="${token}"/></Stream></Start>` +
      '<Pause length="3600"/></Response>'
    );
  }

  url(provider: MediaStreamProvider, query: Record<string, string> = {}): string {
    const search = new URLSearchParams(query).toString();
    return `${this.media.url.replace('http', 'ws')}/media/${provider}${search ? `?${search}` : ''}`;
  }

  async connect(provider: MediaStreamProvider, query: Record<string, string> = {}): Promise<ProviderSocket> {
    return ProviderSocket.open(this.url(provider, query));
  }

  /** The session the registry got for this call (waits for it). */
  sessionOf(callId: string): Promise<HeardSession> {
    return waitFor(
      async () => this.heard.find((h) => h.session.info.callId === callId),
      10_000,
      `a session for ${callId}`,
    );
  }

  hasSession(callId: string): boolean {
    return this.heard.some((h) => h.session.info.callId === callId);
  }

  /** A metric's value for these labels (0 if never set). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.media.app.get(MetricsService).registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return values
      .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
      .reduce((sum, v) => sum + v.value, 0);
  }
}

/** A plain `ws` client, as a provider's media server would be. */
export class ProviderSocket {
  readonly received: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString())));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    // A server closing the connection mid-send surfaces as an error here: the close event says why.
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<ProviderSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const socket = new ProviderSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves once every message queued so far has been written to the socket. */
  flushed(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.ws.send('{"event":"connected"}', (error) => (error ? reject(error) : resolve())),
    );
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close(1000);
    return this.closed;
  }
}

/** A recognisable test signal: frame n is 160 samples of value n*10 (so order and loss are visible). */
export function numberedFrame(n: number): Int16Array {
  return new Int16Array(160).fill(n * 10);
}

export const twilio = {
  connected: () => ({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
  start: (streamSid: string, customParameters: Record<string, string>, callSid = `CA${streamSid.slice(2)}`) => ({
    event: 'start',
    sequenceNumber: '1',
    streamSid,
    start: {
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      streamSid,
      callSid,
      tracks: ['inbound'],
      customParameters,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
  }),
  /** Frame n (from 1) of μ-law audio, timestamped as Twilio does (ms from stream start). */
  media: (streamSid: string, n: number, pcm = numberedFrame(n), timestampMs = (n - 1) * 20) => ({
    event: 'media',
    sequenceNumber: String(n + 1),
    streamSid,
    media: {
      track: 'inbound',
      chunk: String(n),
      timestamp: String(timestampMs),
      payload: Buffer.from(encodeMulaw(pcm)).toString('base64'),
    },
  }),
  dtmf: (streamSid: string, digit: string) => ({
    event: 'dtmf',
    streamSid,
    sequenceNumber: '9',
    dtmf: { track: 'inbound_track', digit },
  }),
  stop: (streamSid: string) => ({
    event: 'stop',
    streamSid,
    sequenceNumber: '99',
    stop: { accountSid: 'AC0123456789abcdef0123456789abcdef', callSid: `CA${streamSid.slice(2)}` },
  }),
};

export const exotel = {
  start: (streamSid: string, sampleRate: number, customParameters: Record<string, string> = {}) => ({
    event: 'start',
    sequence_number: 1,
    stream_sid: streamSid,
    start: {
      stream_sid: streamSid,
      call_sid: `call-${streamSid}`,
      account_sid: 'acme',
      from: '09999999999',
      to: '08888888888',
      custom_parameters: customParameters,
      media_format: { encoding: 'base64', sample_rate: String(sampleRate), bit_rate: '128kbps' },
    },
  }),
  media: (streamSid: string, chunk: number, pcm: Int16Array) => ({
    event: 'media',
    sequence_number: chunk + 1,
    stream_sid: streamSid,
    media: { chunk, timestamp: String(chunk * 100), payload: Buffer.from(pcm16ToLittleEndian(pcm)).toString('base64') },
  }),
  stop: (streamSid: string) => ({
    event: 'stop',
    stream_sid: streamSid,
    stop: { call_sid: `call-${streamSid}`, reason: 'callended' },
  }),
};
