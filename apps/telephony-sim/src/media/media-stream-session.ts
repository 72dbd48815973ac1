import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeMulaw, encodeMulaw, pcm16FromLittleEndian, pcm16ToLittleEndian } from '@callfleet/audio';
import WebSocket from 'ws';
import type { FarEndPhase } from '../calls/sim-call';
import { FarEndAudio, type FarEndAudioTiming, FRAME_MS, type StreamClips } from './far-end-audio';
import { PlaybackQueue } from './playback-queue';
import {
  exotelMessages,
  MAX_INBOUND_MESSAGE_BYTES,
  readInbound,
  type StreamIdentity,
  type StreamProvider,
  type TwilioTrack,
  twilioMessages,
} from './stream-protocol';
import { Upsampler } from './upsampler';

/** `<Start><Stream>` (a fork that outlives the TwiML), `<Connect><Stream>`, or Exotel's Voicebot/Stream applet. */
export type StreamKind = 'fork' | 'connect' | 'voicebot' | 'stream-applet';

export type StreamStatus = 'connecting' | 'streaming' | 'closed' | 'failed';

/** One media stream of a call as the admin API shows it (JSON; the received audio itself is a WAV link). */
export interface MediaStreamRecord {
  streamSid: string;
  provider: StreamProvider;
  kind: StreamKind;
  name?: string;
  bidirectional: boolean;
  /** The URL connected to, its `token` query value hidden. */
  url: string;
  /** Names of the custom parameters sent in `start` (values may be secrets: not shown). */
  parameterNames: string[];
  tracks: TwilioTrack[];
  sampleRate: number;
  encoding: 'audio/x-mulaw' | 'pcm16';
  status: StreamStatus;
  error?: string;
  connectedAt?: string;
  closedAt?: string;
  /** `sim` when the call or its instructions ended the stream, `server` when our side closed it. */
  closedBy?: 'sim' | 'server';
  closeCode?: number;
  closeReason?: string;
  /** Audio ms where a live person starts speaking in this stream (the label to compare with), or null. */
  liveHumanAtMs: number | null;
  /** Whether the call's scenario ever puts a person on the line (when false, liveHumanAtMs stays null). */
  scenarioHasLiveHuman: boolean;
  sent: { mediaMessages: number; frames: number; audioMs: number; dtmf: string[]; marksEchoed: string[] };
  /** What our side sent back (bidirectional streams). */
  received: {
    mediaMessages: number;
    audioBytes: number;
    audioMs: number;
    playedMs: number;
    marks: { name: string; atAudioMs: number }[];
    clears: number;
    invalid: number;
    lastInvalid?: string;
  };
}

export interface MediaStreamOptions {
  provider: StreamProvider;
  kind: StreamKind;
  url: string;
  name?: string;
  parameters: Record<string, string>;
  bidirectional: boolean;
  /** Twilio's `track` attribute: inbound_track (default), outbound_track or both_tracks. */
  track?: string;
  /** Exotel: 8000 (default), 16000 or 24000. Twilio is always 8000 μ-law. */
  sampleRate?: number;
  identity: Omit<StreamIdentity, 'streamSid' | 'customParameters'>;
  timeScale: number;
  clips: StreamClips;
  timing?: FarEndAudioTiming;
  scenarioHasLiveHuman: boolean;
  /** The far end's phase now, and a number that changes whenever a phase (re)starts. */
  phaseOf: () => { phase: FarEndPhase; serial: number };
  onEvent: (event: 'connected' | 'closed' | 'failed', record: MediaStreamRecord) => void;
}

/** Exotel sends about every 100 ms: five 20 ms frames per message. */
const EXOTEL_FRAMES_PER_MESSAGE = 5;
/** Frames sent at once at most, so a huge TIME_SCALE cannot starve the event loop. */
const MAX_FRAMES_PER_TICK = 500;
/** Stop sending while this much is waiting in the socket (a slow reader slows the stream, as TCP would). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const MIN_TICK_MS = 4;
/** Audio we received that the WAV link keeps (what is past it is counted, not kept). */
const KEPT_RECEIVED_SECONDS = 300;
const CLOSE_GRACE_MS = 2000;

/**
 * One media stream from the simulated provider to our side: opens the WebSocket, sends `connected`
 * and `start`, then the far end's audio in the provider's format, paced by the call's clock (20 ms
 * of audio per 20 ms / TIME_SCALE of real time; timestamps stay audio time), and reads what a
 * bidirectional stream sends back. `closed` resolves however it ends.
 */
export class MediaStreamSession {
  readonly record: MediaStreamRecord;
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private readonly identity: StreamIdentity;
  private readonly audio: FarEndAudio;
  private readonly playback = new PlaybackQueue();
  private readonly receivedPcm: Int16Array[] = [];
  private receivedSamples = 0;
  private ws?: WebSocket;
  private sequence = 0;
  private readonly chunks: Record<TwilioTrack, number> = { inbound: 0, outbound: 0 };
  private exotelBatch: Int16Array[] = [];
  private readonly upsampler?: Upsampler;
  private startedAt = 0;
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(private readonly options: MediaStreamOptions) {
    const streamSid = `MZ${randomBytes(16).toString('hex')}`;
    this.identity = { ...options.identity, streamSid, customParameters: options.parameters };
    this.audio = new FarEndAudio(options.clips, options.timing);
    const sampleRate = options.provider === 'twilio' ? 8000 : (options.sampleRate ?? 8000);
    this.record = {
      streamSid,
      provider: options.provider,
      kind: options.kind,
      ...(options.name ? { name: options.name } : {}),
      bidirectional: options.bidirectional,
      url: redactToken(options.url),
      parameterNames: Object.keys(options.parameters),
      tracks: tracksOf(options.track),
      sampleRate,
      encoding: options.provider === 'twilio' ? 'audio/x-mulaw' : 'pcm16',
      status: 'connecting',
      liveHumanAtMs: null,
      scenarioHasLiveHuman: options.scenarioHasLiveHuman,
      sent: { mediaMessages: 0, frames: 0, audioMs: 0, dtmf: [], marksEchoed: [] },
      received: { mediaMessages: 0, audioBytes: 0, audioMs: 0, playedMs: 0, marks: [], clears: 0, invalid: 0 },
    };
    if (options.provider === 'exotel') this.upsampler = new Upsampler(sampleRate);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get streamSid(): string {
    return this.record.streamSid;
  }

  get isOpen(): boolean {
    return this.record.status === 'connecting' || this.record.status === 'streaming';
  }

  open(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.options.url, { maxPayload: MAX_INBOUND_MESSAGE_BYTES, handshakeTimeout: 10_000 });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('error', (error) => {
      if (this.record.status === 'connecting') this.fail(error);
    });
    ws.on('unexpected-response', (_request, response) => {
      this.fail(new Error(`handshake answered ${response.statusCode}`));
      ws.terminate();
    });
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  /** Ends the stream from the provider's side: `stop`, then a normal close. */
  stop(reason: string): void {
    if (this.stopping || !this.isOpen) return;
    this.stopping = true;
    clearTimeout(this.timer);
    this.record.closeReason = reason;
    const ws = this.ws;
    if (this.record.status === 'streaming' && ws?.readyState === WebSocket.OPEN) {
      this.flushExotelBatch();
      this.send(
        this.options.provider === 'twilio'
          ? twilioMessages.stop(this.identity, this.next())
          : exotelMessages.stop(this.identity, this.next()),
      );
      this.record.closedBy = 'sim';
      ws.close(1000, 'stream stopped');
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    } else {
      ws?.terminate();
      this.finish('closed');
    }
  }

  /** DTMF the far end pressed: a `dtmf` event, on bidirectional streams only (as both providers do). */
  farEndDigits(digits: string): void {
    if (!this.options.bidirectional || this.record.status !== 'streaming') return;
    for (const digit of digits) {
      keepLast(this.record.sent.dtmf, digit);
      this.send(
        this.options.provider === 'twilio'
          ? twilioMessages.dtmf(this.identity, this.next(), digit)
          : exotelMessages.dtmf(this.identity, this.next(), digit),
      );
    }
  }

  /** What our side sent back, as a mono PCM16 recording at the stream's rate (μ-law decoded). */
  receivedAudio(): { sampleRate: number; samples: Int16Array } {
    const samples = new Int16Array(this.receivedSamples);
    let at = 0;
    for (const part of this.receivedPcm) {
      samples.set(part, at);
      at += part.length;
    }
    return { sampleRate: this.record.sampleRate, samples };
  }

  private onOpen(): void {
    if (this.stopping) {
      this.ws?.terminate();
      return;
    }
    this.record.status = 'streaming';
    this.record.connectedAt = new Date().toISOString();
    if (this.options.provider === 'twilio') {
      this.send(twilioMessages.connected());
      this.send(twilioMessages.start(this.identity, this.next(), this.record.tracks));
    } else {
      this.send(exotelMessages.connected());
      this.send(exotelMessages.start(this.identity, this.next(), this.record.sampleRate));
    }
    this.options.onEvent('connected', this.record);
    this.startedAt = performance.now();
    this.pump();
  }

  /** Sends every frame that is due by the call's clock, then sleeps until the next one is. */
  private readonly pump = (): void => {
    const ws = this.ws;
    if (this.stopping || this.record.status !== 'streaming' || !ws || ws.readyState !== WebSocket.OPEN) return;
    const elapsed = performance.now() - this.startedAt;
    const dueMs = elapsed * this.options.timeScale;
    let sent = 0;
    while (this.audio.positionMs <= dueMs && sent < MAX_FRAMES_PER_TICK && ws.bufferedAmount < MAX_BUFFERED_BYTES) {
      this.sendFrame();
      sent++;
    }
    const nextDueReal = this.audio.positionMs / this.options.timeScale;
    this.timer = setTimeout(this.pump, Math.max(MIN_TICK_MS, nextDueReal - elapsed));
  };

  private sendFrame(): void {
    const { phase, serial } = this.options.phaseOf();
    const timestampMs = this.audio.positionMs;
    const frame = this.audio.frame(phase, serial);
    this.record.liveHumanAtMs = this.audio.liveHumanAtMs;
    this.record.sent.frames++;
    this.record.sent.audioMs = this.audio.positionMs;
    if (this.options.provider === 'twilio') {
      const payload = Buffer.from(encodeMulaw(frame)).toString('base64');
      for (const track of this.record.tracks) {
        // The outbound track is what the call plays to the far end; the simulator synthesizes none of it.
        const audio = track === 'inbound' ? payload : SILENT_MULAW_FRAME;
        this.send(twilioMessages.media(this.identity, this.next(), track, ++this.chunks[track], timestampMs, audio));
        this.record.sent.mediaMessages++;
      }
    } else {
      this.exotelBatch.push(frame);
      if (this.exotelBatch.length === EXOTEL_FRAMES_PER_MESSAGE) this.flushExotelBatch();
    }
    this.playOut();
  }

  private flushExotelBatch(): void {
    if (this.exotelBatch.length === 0) return;
    const pcm8k = concat(this.exotelBatch);
    this.exotelBatch = [];
    const pcm = this.upsampler ? this.upsampler.push(pcm8k) : pcm8k;
    const payload = Buffer.from(pcm16ToLittleEndian(pcm)).toString('base64');
    this.send(
      // Exotel stamps a chunk with the audio ms at its end (chunk 2 of 100 ms each: "200"), unlike Twilio.
      exotelMessages.media(this.identity, this.next(), ++this.chunks.inbound, this.audio.positionMs, payload),
    );
    this.record.sent.mediaMessages++;
  }

  /** What our side queued plays for as long as our audio does; marks behind it come back. */
  private playOut(): void {
    if (!this.options.bidirectional) return;
    for (const name of this.playback.advance(FRAME_MS)) this.echoMark(name);
    this.record.received.playedMs = this.playback.played;
  }

  private echoMark(name: string): void {
    keepLast(this.record.sent.marksEchoed, name);
    this.send(
      this.options.provider === 'twilio'
        ? twilioMessages.mark(this.identity, this.next(), name)
        : exotelMessages.mark(this.identity, this.next(), name),
    );
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const received = this.record.received;
    if (!this.options.bidirectional) {
      // A listen-only stream: the provider ignores anything sent on it.
      this.invalid('message on a listen-only stream');
      return;
    }
    if (isBinary) {
      this.invalid('binary message');
      return;
    }
    const message = readInbound(this.options.provider, rawText(data), this.streamSid);
    switch (message.kind) {
      case 'media': {
        const pcm =
          this.options.provider === 'twilio' ? decodeMulaw(message.bytes) : pcm16FromLittleEndian(message.bytes);
        const ms = (pcm.length * 1000) / this.record.sampleRate;
        received.mediaMessages++;
        received.audioBytes += message.bytes.length;
        received.audioMs = Math.round(((this.receivedSamples + pcm.length) * 1000) / this.record.sampleRate);
        if (this.receivedSamples + pcm.length <= KEPT_RECEIVED_SECONDS * this.record.sampleRate) {
          this.receivedPcm.push(pcm);
        }
        this.receivedSamples += pcm.length;
        this.playback.enqueueAudio(ms);
        break;
      }
      case 'mark':
        keepLast(received.marks, { name: message.name, atAudioMs: this.audio.positionMs });
        this.playback.enqueueMark(message.name);
        break;
      case 'clear':
        received.clears++;
        for (const name of this.playback.clear()) this.echoMark(name);
        break;
      case 'invalid':
        this.invalid(message.reason);
        break;
    }
  }

  private invalid(reason: string): void {
    this.record.received.invalid++;
    this.record.received.lastInvalid = reason;
  }

  private onClose(code: number, reason: string): void {
    clearTimeout(this.timer);
    if (this.record.status === 'failed') {
      this.finish('failed');
      return;
    }
    if (!this.record.closedBy) this.record.closedBy = this.stopping ? 'sim' : 'server';
    this.record.closeCode = code;
    if (!this.record.closeReason && reason) this.record.closeReason = reason;
    this.finish('closed');
  }

  private fail(error: unknown): void {
    if (!this.isOpen) return;
    clearTimeout(this.timer);
    this.record.error = error instanceof Error ? error.message || error.name : String(error);
    this.finish('failed');
  }

  private finish(status: 'closed' | 'failed'): void {
    if (this.record.closedAt) return;
    this.record.status = status;
    this.record.closedAt = new Date().toISOString();
    this.options.onEvent(status, this.record);
    this.resolveClosed();
  }

  private next(): number {
    return ++this.sequence;
  }

  private send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}

/** Lists in the record keep their latest entries only: a long call with many marks stays small. */
const LISTED_MAX = 500;

function keepLast<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LISTED_MAX) list.splice(0, list.length - LISTED_MAX);
}

/** μ-law of silence (0xFF), one 20 ms frame, base64. */
const SILENT_MULAW_FRAME = Buffer.alloc(160, 0xff).toString('base64');

function tracksOf(track: string | undefined): TwilioTrack[] {
  if (track === 'outbound_track') return ['outbound'];
  if (track === 'both_tracks') return ['inbound', 'outbound'];
  return ['inbound'];
}

function redactToken(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has('token')) parsed.searchParams.set('token', '…');
    return parsed.toString();
  } catch {
    return url;
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
