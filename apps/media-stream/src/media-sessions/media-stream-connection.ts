import type { StreamTokenClaims } from '@callfleet/contracts';
import type { MediaFormat, MediaStreamEvent, MediaStreamStart } from '@callfleet/telephony';
import type { RawData, WebSocket } from 'ws';
import type { MediaStreamConfig } from '../media-stream.config';
import {
  type MediaStreamAction,
  type MediaStreamInput,
  type MediaStreamState,
  nextMediaStreamState,
} from './media-session-state';
import type { MediaStreamMetrics } from './media-stream-metrics';
import { MediaDecoder, type MediaStreamProtocol } from './media-stream-protocols';
import { PlayOut } from './play-out';
import { WebSocketMediaSession } from './websocket-media-session';

/** Messages kept while the token is verified (a few ms; Twilio sends media right after `start`). */
const MAX_HELD_EVENTS = 100;
/** And their payload bytes: 100 Exotel messages of 48 KB would be 4.8 MB per socket, 2000 sockets ~10 GB. */
const MAX_HELD_BYTES = 256 * 1024;
/**
 * What we let queue in the socket's send buffer for a peer that does not read: play-out is paced in
 * real time, so only a stalled peer gets here, and without this its buffer would grow for the whole call.
 */
const MAX_SEND_BUFFER_BYTES = 1024 * 1024;

/** Why verification refused a stream (a metric label): the verifier's reasons and the door's own checks. */
export type TokenRefusal = string;

/** What a connection needs from the door that owns it. */
export interface DoorContext {
  readonly config: MediaStreamConfig;
  readonly metrics: MediaStreamMetrics;
  nowMs(): number;
  /** Resolves the claims, or rejects with the refusal reason and whether to try again later (1013) rather than 1008. */
  verify(token: string | undefined): Promise<StreamTokenClaims>;
  refusalOf(error: unknown): { reason: TokenRefusal; retryLater: boolean };
  /** Room for one more stream of this organization? */
  admits(orgId: string): boolean;
  /** The session starts: registered, counted. */
  opened(connection: MediaStreamConnection, session: WebSocketMediaSession): void;
  /** Handling a message threw (a bug): logged; the connection then ends with 1011. */
  failed(connection: MediaStreamConnection, error: unknown): void;
  /** The connection is over (socket closing or closed); its session, if any, is ending. */
  ended(connection: MediaStreamConnection): void;
}

/**
 * One provider WebSocket, from upgrade to close: reads its frames, walks the state machine
 * (media-session-state.ts), verifies the token, and once streaming feeds its MediaSession.
 */
export class MediaStreamConnection {
  private state: MediaStreamState = 'awaiting-start';
  private readonly connectedAt: number;
  private lastMessageAt: number;
  private badFrames = 0;
  private held: MediaStreamEvent[] = [];
  private heldBytes = 0;
  private format: MediaFormat | undefined;
  private decoder: MediaDecoder | undefined;
  private session: WebSocketMediaSession | undefined;
  private readonly framesCounter: { inc(value?: number): void };

  constructor(
    readonly id: string,
    readonly protocol: MediaStreamProtocol,
    private readonly socket: WebSocket,
    private readonly query: URLSearchParams,
    private readonly door: DoorContext,
  ) {
    this.connectedAt = door.nowMs();
    this.lastMessageAt = this.connectedAt;
    this.framesCounter = door.metrics.frames.labels({ provider: protocol.provider });
    socket.on('message', (data, isBinary) => {
      try {
        this.onMessage(data, isBinary);
      } catch (error) {
        // A bug of ours ends this stream (1011), never the process or another stream.
        door.failed(this, error);
        this.apply({ type: 'internal-error' });
      }
    });
    socket.on('close', () => this.apply({ type: 'socket-closed' }));
  }

  get mediaSession(): WebSocketMediaSession | undefined {
    return this.session;
  }

  /** The door's sweep: no `start` in time, or nothing at all for the idle timeout. */
  checkTimeouts(now: number): void {
    const { MEDIA_START_TIMEOUT_MS, MEDIA_IDLE_TIMEOUT_MS } = this.door.config;
    if (this.state === 'awaiting-start' && now - this.connectedAt >= MEDIA_START_TIMEOUT_MS) {
      this.door.metrics.streamsRejected.inc({ reason: 'start-timeout' });
      this.apply({ type: 'start-timeout' });
    } else if (this.state !== 'ended' && now - this.lastMessageAt >= MEDIA_IDLE_TIMEOUT_MS) {
      this.apply({ type: 'idle-timeout' });
    }
  }

  /** From outside: shutdown, a newer stream for the call, the replica being full. */
  stop(input: Extract<MediaStreamInput, { type: 'shutdown' | 'replaced' | 'over-limit' }>): void {
    this.apply(input);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.lastMessageAt = this.door.nowMs();
    if (this.state === 'ended') {
      this.drop('after-end');
      return;
    }
    if (isBinary) {
      this.bad('binary-frame');
      return;
    }
    const parsed = this.protocol.parse(data.toString(), this.format);
    if (!parsed.ok) {
      if (parsed.reason === 'unsupported-format' && this.state === 'awaiting-start') {
        this.door.metrics.streamsRejected.inc({ reason: 'unsupported-format' });
        this.apply({ type: 'unsupported-format' });
      } else {
        this.bad(parsed.reason);
      }
      return;
    }
    const event = parsed.event;
    switch (event.event) {
      case 'connected':
      case 'clear':
        // Exotel reports our clear back; nothing to do.
        break;
      case 'start':
        if (this.apply({ type: 'start' }).kind === 'verify') {
          this.verify(event).catch((error: unknown) => {
            // Opening the session threw (a start listener of a feature): this stream ends, nothing else.
            this.door.failed(this, error);
            this.apply({ type: 'internal-error' });
          });
        }
        break;
      case 'media':
        // `both_tracks` also sends what the callee hears (us): not the far end's audio.
        if (this.protocol.inboundTrack && event.track && event.track !== this.protocol.inboundTrack) {
          this.drop('other-track');
        } else {
          this.handle({ type: 'media' }, event);
        }
        break;
      case 'dtmf':
      case 'mark':
        this.handle({ type: 'event' }, event);
        break;
      case 'stop':
        this.handle({ type: 'stop' }, event);
        break;
    }
  }

  private handle(input: MediaStreamInput, event: MediaStreamEvent): void {
    const action = this.apply(input);
    if (action.kind === 'deliver') this.deliver(event);
    else if (action.kind === 'hold') {
      const bytes = event.event === 'media' ? event.payload.length : 0;
      // The stream ends at a held stop, so nothing after it is kept (a flood of stops would be unbounded).
      const afterStop = this.held.at(-1)?.event === 'stop';
      const fits = this.held.length < MAX_HELD_EVENTS && this.heldBytes + bytes <= MAX_HELD_BYTES;
      if (!afterStop && (event.event === 'stop' || fits)) {
        this.held.push(event);
        this.heldBytes += bytes;
      } else {
        this.drop('before-start');
      }
    }
  }

  private deliver(event: MediaStreamEvent): void {
    const session = this.session;
    if (!session) return;
    if (event.event === 'media') {
      let pcm: Int16Array;
      try {
        pcm = (this.decoder as MediaDecoder).decode(event.payload);
      } catch {
        this.bad('bad-payload-size');
        return;
      }
      const frames = session.receiveAudio(pcm, this.protocol.timestampsAreAudioTime ? event.timestampMs : undefined);
      if (frames > 0) this.framesCounter.inc(frames);
    } else if (event.event === 'dtmf') {
      session.receiveDtmf(event.digit);
    } else if (event.event === 'mark') {
      session.receiveMark(event.name);
    }
  }

  private async verify(start: MediaStreamStart): Promise<void> {
    this.format = start.format;
    let claims: StreamTokenClaims;
    try {
      claims = await this.door.verify(this.protocol.token(start, this.query));
    } catch (error) {
      const refusal = this.door.refusalOf(error);
      this.refuse(refusal.reason, refusal.retryLater);
      return;
    }
    if (this.state !== 'verifying') return;
    const claimedCall = this.protocol.callId(start, this.query);
    if (claims.provider !== this.protocol.provider) {
      this.refuse('wrong-provider', false);
      return;
    }
    if (claimedCall !== undefined && claimedCall !== claims.callId) {
      this.refuse('wrong-call', false);
      return;
    }
    if (!this.door.admits(claims.orgId)) {
      this.door.metrics.streamsRejected.inc({ reason: 'org-limit' });
      this.apply({ type: 'over-limit' });
      return;
    }
    if (this.apply({ type: 'token-accepted' }).kind !== 'open') return;
    this.open(start, claims);
  }

  private refuse(reason: TokenRefusal, retryLater: boolean): void {
    if (this.state !== 'verifying') return;
    this.held = [];
    this.heldBytes = 0;
    if (retryLater) {
      this.door.metrics.streamsRejected.inc({ reason: 'token-unverifiable' });
      this.apply({ type: 'token-unverifiable' });
      return;
    }
    this.door.metrics.tokenFailures.inc({ reason });
    this.door.metrics.streamsRejected.inc({ reason: 'token' });
    this.apply({ type: 'token-refused' });
  }

  private open(start: MediaStreamStart, claims: StreamTokenClaims): void {
    const provider = this.protocol.provider;
    const bidirectional = this.protocol.bidirectional(start, this.query);
    const metrics = this.door.metrics;
    const playOut = bidirectional
      ? new PlayOut(
          this.protocol.playEncoder(start.streamId, start.format),
          {
            send: (message) => this.send(message),
            sentFrames: (frames) => metrics.playFrames.inc({ provider }, frames),
            droppedFrames: (frames) => metrics.framesDropped.inc({ reason: 'play-queue-full' }, frames),
          },
          this.door.config.MEDIA_PLAY_QUEUE_MAX_MS,
        )
      : undefined;
    this.decoder = new MediaDecoder(start.format);
    this.session = new WebSocketMediaSession(
      {
        sessionId: this.id,
        callId: claims.callId,
        orgId: claims.orgId,
        provider,
        ...(claims.line === undefined ? {} : { line: claims.line }),
        providerCallId: start.providerCallId,
        streamId: start.streamId,
        bidirectional,
      },
      this.door.config.MEDIA_STREAM_QUEUE_FRAMES,
      { dropped: (reason) => metrics.framesDropped.inc({ reason }), finished: () => undefined },
      playOut,
    );
    this.door.opened(this, this.session);
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const event of held) {
      if (event.event === 'stop') this.apply({ type: 'stop' });
      else this.deliver(event);
    }
  }

  private send(message: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > MAX_SEND_BUFFER_BYTES) {
      this.drop('play-queue-full');
      return false;
    }
    this.socket.send(message);
    return true;
  }

  private apply(input: MediaStreamInput): MediaStreamAction {
    const { state, action } = nextMediaStreamState(this.state, input);
    this.state = state;
    if (action.kind === 'drop') {
      if (action.reason === 'after-end') this.drop(action.reason);
      else this.bad(action.reason);
    } else if (action.kind === 'end') {
      this.held = [];
      this.heldBytes = 0;
      if (action.close && this.socket.readyState === this.socket.OPEN) {
        this.socket.close(action.close.code, action.close.reason);
      }
      if (this.session && action.reason) this.session.end(action.reason);
      this.door.ended(this);
    }
    return action;
  }

  private drop(reason: string): void {
    this.door.metrics.framesDropped.inc({ reason });
  }

  /** A frame we cannot use; a stream that sends too many does not speak the protocol and is closed. */
  private bad(reason: string): void {
    this.drop(reason);
    this.badFrames += 1;
    if (this.badFrames > this.door.config.MEDIA_MAX_BAD_FRAMES && this.state !== 'ended') {
      this.apply({ type: 'too-many-bad-frames' });
    }
  }
}
